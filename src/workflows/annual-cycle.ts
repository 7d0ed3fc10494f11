import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  log,
  CancellationScope,
  executeChild,
  isCancellation,
  patched,
  ParentClosePolicy,
  proxyActivities,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { fanOutTaskQueue, mailTaskQueue } from './task-queues';
import { cycleClock } from '../cycle/clock';
import type { PlannedMilestone } from '../cycle/plan';
import { agencyObligations } from './agency-obligations';
import { agencyWorkflowId, type AgencyObligationsStatus, type AgencyRef } from './obligation-types';
import type { AnnualCycleInput, CycleBatchInput, CycleBatchResult, CycleResult } from './cycle-types';
import { PhAgency, PhProgram, PhYear } from './search-attributes';
import { inspectionMilestone, startInspectionPhase, type InspectionPhase } from './inspection-plan';
import { CYCLE_ACTIVITY_OPTIONS, REPORT_ACTIVITY_OPTIONS } from './activity-options';
import { agencyDetails, agencySummary, batchSummary } from './summaries';

const { prepareCycle, loadCycleAgencies, consolidateCycle, recordCycleClock } =
  proxyActivities<Activities>(CYCLE_ACTIVITY_OPTIONS);

/** Child workflows started together in one workflow task (see cycleBatch). */
const START_CHUNK = 100;

/** Agencies per batch workflow: keeps every history far below 10,000 events, whatever the directory's size. */
export const BATCH_SIZE = 500;

/**
 * One program's cycle for one year (workflow ID `cycle:<program>:<year>`): stores the program version and
 * the directory snapshot, computes the year's plan, fans out one `agencyObligations` workflow per agency
 * through batch workflows, and when every agency is done, consolidates the outcome into the database.
 */
export async function annualCycle(input: AnnualCycleInput): Promise<CycleResult> {
  const prepared = await prepareCycle({
    program: input.program,
    year: input.year,
    workflowId: workflowInfo().workflowId,
  });
  const batchSize = input.batchSize ?? BATCH_SIZE;
  // One clock for the whole cycle, fixed now and passed to every batch, agency and inspection: all read the
  // same calendar instant at the same moment, however long the fan-out takes (see cycleClock). Cycles
  // started before gave each workflow the origin and scale only, its clock starting at its own first task.
  const oneClock = patched('one-cycle-clock');
  const cycleClockSpec = oneClock ? cycleClock(input.clock, Date.now(), prepared.agencyCount) : undefined;
  const clock: CycleBatchInput['clock'] = cycleClockSpec ?? {
    originMs: input.clock?.originMs ?? Date.now(),
    scale: input.clock?.scale ?? 1,
  };
  // The inspection phase runs beside the agencies: it proposes the plan on the inspection milestone's
  // request day and starts the approved inspections (see inspection-plan.ts).
  const inspectionPlanned = inspectionMilestone(prepared.plan.milestones);
  let phase: InspectionPhase | undefined;
  if (inspectionPlanned && patched('inspection-plan')) {
    phase = startInspectionPhase({
      cycleId: prepared.cycleId,
      program: input.program,
      year: input.year,
      programVersionId: prepared.programVersionId,
      milestone: inspectionPlanned,
      calendar: prepared.calendar,
      clock: cycleClockSpec ?? { ...clock, startedMs: Date.now() },
      oneClock,
    });
    // Awaited below on the way to consolidation; when the cycle is cancelled instead, its end is not awaited.
    phase.done.catch(() => undefined);
  }
  // Kept on the cycle's row: pages show its times and its "today" in the cycle's calendar. After the
  // inspection phase has set its query handler, which the dashboard asks from the cycle's first moments.
  if (cycleClockSpec && patched('record-cycle-clock')) {
    await recordCycleClock({ cycleId: prepared.cycleId, clock: cycleClockSpec });
  }
  const batches: Promise<CycleBatchResult>[] = [];
  // The batches run on their own queue (see fanOutTaskQueue); the agencies stay on the cycle's.
  const { taskQueue } = workflowInfo();
  const ownQueue = patched('fan-out-queue');
  for (let offset = 0; offset < prepared.agencyCount; offset += batchSize) {
    const batch: CycleBatchInput = {
      program: input.program,
      year: input.year,
      cycleId: prepared.cycleId,
      programVersionId: prepared.programVersionId,
      lead: prepared.lead,
      plan: prepared.plan,
      calendar: prepared.calendar,
      clock,
      offset,
      limit: batchSize,
      ...(ownQueue ? { agencyTaskQueue: taskQueue } : {}),
    };
    batches.push(
      executeChild(cycleBatch, {
        workflowId: `${workflowInfo().workflowId}:batch-${offset / batchSize + 1}`,
        ...(ownQueue ? { taskQueue: fanOutTaskQueue(taskQueue) } : {}),
        args: [batch],
        staticSummary: batchSummary(input.program, input.year, offset, batchSize, prepared.agencyCount),
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      }),
    );
  }
  let results: CycleBatchResult[];
  try {
    results = await Promise.all(batches);
  } catch (err) {
    // Cancelled by the coordinator: the batches and agencies are cancelled with it (their open obligations
    // are recorded as cancelled); the cycle is then consolidated as it stands and marked cancelled.
    if (isCancellation(err) && patched('consolidate-cancelled-cycle')) {
      await CancellationScope.nonCancellable(async () => {
        await Promise.allSettled(batches);
        await consolidateCycle({ cycleId: prepared.cycleId, outcome: 'cancelled' });
      });
    }
    throw err;
  }
  if (phase) {
    // Every obligation is done: a plan still waiting for approval lapses; an approved one has its
    // inspections started (they run on, abandoned by the cycle) before the cycle consolidates.
    phase.close();
    await phase.done;
  }
  const summary = await consolidateCycle({ cycleId: prepared.cycleId });
  if (patched('consolidated-report')) {
    // The report (DOCX, PDF, XLSX) stored and emailed to leadership: an email, so on the mail queue.
    const { sendConsolidatedReport } = proxyActivities<Activities>({
      ...REPORT_ACTIVITY_OPTIONS,
      taskQueue: mailTaskQueue(workflowInfo().taskQueue),
    });
    try {
      await sendConsolidatedReport({ cycleId: prepared.cycleId });
    } catch (err) {
      // A leadership address refused for good must not fail a consolidated cycle: the report is stored
      // (downloadable from the dashboard) and the failure is in the notification log and this log line.
      if (!(err instanceof ActivityFailure)) throw err;
      log.warn('the consolidated report was not emailed', {
        cycleId: prepared.cycleId,
        error: err.cause?.message,
      });
    }
  }
  if (phase) await condition(allHandlersFinished);
  return {
    cycleId: prepared.cycleId,
    agencies: results.reduce((n, r) => n + r.agencies, 0),
    summary,
  };
}

/** The milestones one agency owes in a cycle. Inspections are run by the inspection phase, not asked of everyone. */
export function milestonesOwed(
  plan: PlannedMilestone[],
  agency: AgencyRef,
  lead: string,
): PlannedMilestone[] {
  return plan.filter((m) =>
    m.kind === 'inspection'
      ? false
      : m.assignee === 'lead'
        ? agency.code === lead
        : m.groups.includes(agency.group),
  );
}

/** Starts and awaits the agency workflows of one slice of the cycle's directory snapshot. */
export async function cycleBatch(input: CycleBatchInput): Promise<CycleBatchResult> {
  // On the fan-out queue, the activity runs on the agencies' queue, where the activities are.
  const load = input.agencyTaskQueue
    ? proxyActivities<Activities>({ ...CYCLE_ACTIVITY_OPTIONS, taskQueue: input.agencyTaskQueue })
        .loadCycleAgencies
    : loadCycleAgencies;
  const agencies = await load({
    cycleId: input.cycleId,
    offset: input.offset,
    limit: input.limit,
  });
  const owing = agencies
    .map((agency) => ({ agency, milestones: milestonesOwed(input.plan.milestones, agency, input.lead) }))
    .filter((a) => a.milestones.length > 0);
  const startOne = ({ agency, milestones }: (typeof owing)[number]) =>
    startChild(agencyObligations, {
      workflowId: agencyWorkflowId(input.program, input.year, agency.code),
      args: [
        {
          cycleId: input.cycleId,
          program: input.program,
          year: input.year,
          programVersionId: input.programVersionId,
          agency,
          milestones,
          calendar: input.calendar,
          clock: input.clock,
          closesOn: input.plan.endsOn,
        },
      ],
      typedSearchAttributes: [
        { key: PhProgram, value: input.program },
        { key: PhYear, value: input.year },
        { key: PhAgency, value: agency.code },
      ],
      ...(input.agencyTaskQueue ? { taskQueue: input.agencyTaskQueue } : {}),
      memo: { agencyName: agency.name, agencyGroup: agency.group },
      // What the Temporal UI lists it as: the agency's name and the milestones it owes.
      staticSummary: agencySummary(input.program, input.year, agency, milestones),
      staticDetails: agencyDetails(milestones),
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    });
  let children: ChildWorkflowHandle<typeof agencyObligations>[];
  if (patched('chunked-child-starts')) {
    // START_CHUNK starts per workflow task: a few round trips per batch instead of one per agency, while
    // each task's commands (about 10 KB of input per agency) stay far below the 4 MB gRPC message limit.
    children = [];
    for (let i = 0; i < owing.length; i += START_CHUNK) {
      children.push(...(await Promise.all(owing.slice(i, i + START_CHUNK).map(startOne))));
    }
  } else {
    children = [];
    for (const one of owing) children.push(await startOne(one));
  }
  let results: AgencyObligationsStatus[];
  try {
    results = await Promise.all(children.map((c) => c.result()));
  } catch (err) {
    // Cancelled with the cycle: every agency is being cancelled too. Wait until each has closed its open
    // obligations, so the cycle consolidates what they recorded rather than a moment before.
    if (isCancellation(err) && patched('batch-waits-for-cancelled-agencies')) {
      await CancellationScope.nonCancellable(() => Promise.allSettled(children.map((c) => c.result())));
    }
    throw err;
  }
  if (results.length !== children.length) throw ApplicationFailure.nonRetryable('lost a child result');
  return { agencies: results.length };
}
