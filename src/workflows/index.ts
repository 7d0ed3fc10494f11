// Every workflow the worker registers. Workflow code is deterministic: no I/O, no Node modules
// (enforced by eslint's no-restricted-imports on this folder).
export { agencyObligations } from './agency-obligations';
export { annualCycle, cycleBatch } from './annual-cycle';
export { scheduledCycleStart } from './scheduled-cycle-start';
export { inspection } from './inspection';
