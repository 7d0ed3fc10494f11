import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { workflowUiUrl, type TemporalConfig } from '../config/temporal';
import { UsageError } from '../config/usage-error';
import { findProgram } from '../programs/find';
import { cycleWorkflowId, type AnnualCycleInput } from '../workflows/cycle-types';
import { annualCycle } from '../workflows/annual-cycle';
import { cycleSummary } from '../workflows/summaries';
import { refusal, type Refusal } from '../workflows/refusals';
import { localInstant } from './clock';
import { computePlan } from './compute-plan';

/** A year's cycle that is already there (running or closed): a year runs once. */
export class CycleAlreadyStartedError extends UsageError {
  /** The same refusal, coded, for the dashboard to translate (src/i18n/locales/<lang>/refusals.json). */
  readonly refusal: Refusal<'cycle-already-started'>;

  constructor(program: string, year: number, message: string) {
    super(message);
    this.refusal = refusal('cycle-already-started', { program, year }, message);
  }
}

/** Starts a year's cycle; starting the same year twice is refused with the existing workflow named. */
export async function startCycle(
  client: Client,
  temporal: TemporalConfig,
  opts: { program: string; year: number; scale?: number; programsDir?: string },
): Promise<{ workflowId: string; uiUrl: string; startsOn: string; endsOn: string }> {
  const loaded = findProgram(opts.program, opts.programsDir);
  const plan = computePlan(loaded, opts.year);
  const workflowId = cycleWorkflowId(opts.program, opts.year);
  if (opts.scale !== undefined && !(Number.isFinite(opts.scale) && opts.scale >= 1)) {
    throw new UsageError(`--scale ${opts.scale}: expected a number ≥ 1 (calendar seconds per real second)`);
  }
  const input: AnnualCycleInput = {
    program: opts.program,
    year: opts.year,
    // Compressed time starts the calendar at 07:00 on the cycle's first day; real time starts now.
    clock: opts.scale ? { originMs: localInstant(plan.startsOn, 7), scale: opts.scale } : undefined,
  };
  try {
    await client.workflow.start(annualCycle, {
      taskQueue: temporal.taskQueue,
      workflowId,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // What the Temporal UI lists it as: the plan's number, the program and the year; its title below.
      staticSummary: cycleSummary(opts.program, opts.year, loaded.definition.document.number),
      staticDetails: `${loaded.definition.title.vi}\n\n${loaded.definition.title.en}`,
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new CycleAlreadyStartedError(
        opts.program,
        opts.year,
        `the ${opts.year} cycle of ${opts.program} was already started (workflow ${workflowId}); ` +
          'a year runs once: see `phoihop cycle status`',
      );
    }
    throw err;
  }
  return {
    workflowId,
    uiUrl: workflowUiUrl(temporal, workflowId),
    startsOn: plan.startsOn,
    endsOn: plan.endsOn,
  };
}
