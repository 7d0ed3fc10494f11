// Program types and pure helpers, shared by workflows, activities, the CLI and the web server.
// Workflow code imports this file: it must not import Node built-ins, I/O packages or even zod at run
// time (the schema is imported for its types only).
import type { z } from 'zod';
import type { programSchema } from './schema';
import type { TemplateSlot } from './template-variables';

export type { AfterDue, DueRule, FixedDue } from './schema';
export {
  TEMPLATE_SLOTS,
  TEMPLATE_VARIABLES,
  TEMPLATE_VARIABLE_NAMES,
  isTemplateVariable,
  type TemplateSlot,
  type TemplateValues,
  type TemplateVariableName,
  type TemplateVariableSpec,
} from './template-variables';
export { AGENCY_GROUPS, AGENCY_GROUP_NAMES, isAgencyGroup, type AgencyGroup } from '../directory/groups';

/** A validated program definition, with every milestone filled from `defaults`. */
export type ProgramDefinition = z.output<typeof programSchema>;
export type Milestone = ProgramDefinition['milestones'][number];
export type MilestoneKind = Milestone['kind'];
export type EscalationStep = Milestone['escalation'][number];
export type RecipientRole = EscalationStep['recipients'][number];
export type DataPeriod = NonNullable<Milestone['period']>;
export type TemplateDefinition = ProgramDefinition['templates'][string];
export type Recipient = ProgramDefinition['coordinators'][number];
export type CycleStart = ProgramDefinition['cycle']['start'];
export type Bilingual = ProgramDefinition['title'];
export type Language = keyof Bilingual;

/** A due-date event: the cycle start, the end of the milestone's own data period, or another milestone's due date. */
export type DueEvent = { kind: 'cycle-start' } | { kind: 'period-end' } | { kind: 'milestone'; key: string };

export function parseDueEvent(event: string): DueEvent {
  if (event === 'cycle-start') return { kind: 'cycle-start' };
  if (event === 'period-end') return { kind: 'period-end' };
  if (event.startsWith('milestone:')) return { kind: 'milestone', key: event.slice('milestone:'.length) };
  throw new Error(`Unknown due event "${event}"`);
}

export function findMilestone(program: ProgramDefinition, key: string): Milestone {
  const milestone = program.milestones.find((m) => m.key === key);
  if (!milestone) throw new Error(`Program ${program.code} has no milestone "${key}"`);
  return milestone;
}

/** The milestones an agency of `group` owes (consolidation milestones belong to the lead only). */
export function milestonesForGroup(program: ProgramDefinition, group: string): Milestone[] {
  return program.milestones.filter(
    (m) => m.assignee === 'addressees' && (m.groups as string[]).includes(group),
  );
}

/** The milestones the agency `agencyCode` owes, given its group. */
export function milestonesForAgency(
  program: ProgramDefinition,
  agencyCode: string,
  group: string,
): Milestone[] {
  return program.milestones.filter((m) =>
    m.assignee === 'lead' ? agencyCode === program.lead : (m.groups as string[]).includes(group),
  );
}

/** The template a milestone uses for a slot. */
export function templateFor(
  program: ProgramDefinition,
  milestone: Milestone,
  slot: TemplateSlot,
): TemplateDefinition {
  const name = milestone.templates[slot];
  const found = program.templates[name];
  if (!found) throw new Error(`Program ${program.code} has no template "${name}"`);
  return found;
}

/** Whether an agency group is addressed by the program at all. */
export function addressesGroup(program: ProgramDefinition, group: string): boolean {
  return (program.addressees as string[]).includes(group);
}
