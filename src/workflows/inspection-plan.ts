// The inspection phase of `annualCycle`: on the inspection milestone's request day the cycle proposes the
// year's plan (risk from the read model, a random sample drawn with the workflow's seeded Math.random),
// the coordinator edits and approves it through the `approveInspectionPlan` Update, and the cycle starts
// one `inspection` workflow per visit, abandoned on close (they follow recommendations long after the cycle
// has consolidated). A plan not approved when the year's obligations are all done lapses.
import {
  ActivityFailure,
  condition,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities';
import { compareIsoDates, type IsoDate } from '../calendar/dates';
import type { CalendarData } from '../calendar/working-calendar';
import { WorkingCalendar } from '../calendar/working-calendar';
import { calendarNow, localDate, localInstant, sleepUntil, type ClockSpec } from '../cycle/clock';
import type { PlannedMilestone } from '../cycle/plan';
import {
  earliestVisitOn,
  planProblem,
  proposedVisits,
  selectForInspection,
  type ApproveInspectionPlanInput,
  type InspectionPlanSettings,
  type InspectionPlanState,
  type PlannedVisit,
} from '../inspections/plan';
import { inspectionLadder } from '../inspections/ladder';
import { inspectionWorkflowId, type InspectionInput } from '../inspections/types';
import { inspection } from './inspection';
import type { AgencyRef } from './obligation-types';
import { PhAgency, PhProgram, PhYear } from './search-attributes';
import { refuse, refusalFailure } from './refusals';
import { mailTaskQueue } from './task-queues';
import { inspectionSummary } from './summaries';
import { CYCLE_ACTIVITY_OPTIONS, EMAIL_ACTIVITY_OPTIONS, RECORD_ACTIVITY_OPTIONS } from './activity-options';
import { approveInspectionPlanUpdate, inspectionPlanQuery } from './messages/annual-cycle';

const { inspectionCandidates, inspectionAgencies } = proxyActivities<Activities>(CYCLE_ACTIVITY_OPTIONS);
const { recordAudit } = proxyActivities<Activities>(RECORD_ACTIVITY_OPTIONS);

/** Hour of the day (local) the proposal is drawn up, as for the emails of the day. */
const PROPOSE_HOUR = 8;
/** Child starts per workflow task. */
const START_CHUNK = 50;

export interface InspectionPhaseInput {
  cycleId: number;
  program: string;
  year: number;
  programVersionId: number;
  milestone: PlannedMilestone;
  calendar: CalendarData;
  clock: ClockSpec;
  /**
   * The clock is the cycle's one clock, passed to the inspections as it is; false in cycles started before
   * it, whose inspections' clocks start at their own first workflow task from the phase's calendar instant.
   */
  oneClock?: boolean;
}

export interface InspectionPhase {
  /** Settles when the phase is over: the plan approved and its inspections started, or lapsed. */
  done: Promise<void>;
  /** The year's obligations are all done: a plan not yet approved lapses. */
  close(): void;
}

/** Registers the plan's query and Update and starts the phase (call once, early in annualCycle). */
export function startInspectionPhase(input: InspectionPhaseInput): InspectionPhase {
  const { workflowId } = workflowInfo();
  const calendar = new WorkingCalendar(input.calendar);
  const now = () => calendarNow(input.clock, Date.now());
  const today = () => localDate(now());
  const m = input.milestone;
  const visitsFrom = m.due;
  // Visits may be planned until the end of the first quarter after the cycle's year (the calendar in the
  // input covers the next year whole, which the recommendations' follow-up needs).
  const latestVisitOn: IsoDate = `${input.year + 1}-03-31`;

  const state: InspectionPlanState = {
    stage: 'waiting',
    proposeOn: m.requestOn,
    visitsFrom,
    proposed: [],
    eligibleCount: 0,
    started: [],
  };
  let settings: InspectionPlanSettings | undefined;
  let eligible = new Set<string>();
  let approval: ApproveInspectionPlanInput | undefined;
  let closed = false;
  let startsDone = false;

  setHandler(inspectionPlanQuery, () =>
    state.stage === 'waiting' && !settings
      ? { ...state }
      : {
          ...state,
          earliestVisitOn: settings
            ? earliestVisitOn(calendar, today(), settings.noticeWorkingDays)
            : undefined,
        },
  );

  setHandler(
    approveInspectionPlanUpdate,
    async (plan) => {
      approval = plan;
      await condition(() => startsDone);
      return [...state.started];
    },
    {
      validator: (plan) => {
        if (state.stage === 'waiting') {
          refuse(
            'plan-not-proposed-yet',
            { proposeOn: state.proposeOn },
            `the plan is proposed on ${state.proposeOn}: nothing to approve yet`,
          );
        }
        if (state.stage === 'lapsed') {
          refuse('plan-lapsed', {}, 'the plan lapsed: the year’s obligations ended before it was approved');
        }
        if (state.stage !== 'proposed' || approval) {
          const stage = approval ? 'approved' : (state.stage as 'approved' | 'cancelled');
          refuse('plan-closed', { stage }, `the plan is already ${stage}`);
        }
        const problem = planProblem(
          plan,
          eligible,
          calendar,
          earliestVisitOn(calendar, today(), settings!.noticeWorkingDays),
          latestVisitOn,
        );
        if (problem) throw refusalFailure(problem);
      },
    },
  );

  async function propose(): Promise<void> {
    const candidates = await inspectionCandidates({ cycleId: input.cycleId, milestone: m.key, asOf: now() });
    const selection = selectForInspection(candidates, Math.random);
    const sampled = selection.sample.length
      ? await inspectionAgencies({ cycleId: input.cycleId, milestone: m.key, codes: selection.sample })
      : [];
    settings = candidates.settings;
    eligible = new Set(candidates.eligible);
    // The first visit leaves room for the notice even when the proposal is approved the day it is made.
    const first = [
      earliestVisitOn(calendar, today(), settings.noticeWorkingDays),
      calendar.addWorkingDays(visitsFrom, 1),
    ]
      .sort(compareIsoDates)
      .at(-1)!;
    state.proposed = proposedVisits(selection, sampled, calendar, first, settings.visitsPerDay);
    state.eligibleCount = eligible.size;
    state.proposedOn = today();
    state.settings = settings;
    state.stage = 'proposed';
    await recordAudit({
      actor: 'system',
      action: 'inspection-plan.propose',
      subject: workflowId,
      details: {
        asOf: state.proposedOn,
        eligible: eligible.size,
        visits: state.proposed.map((v) => ({
          code: v.agency.code,
          source: v.source,
          score: v.score,
          visitOn: v.visitOn,
        })),
      },
    });
    if (patched('inspection-plan-email')) {
      // The coordinators learn that the plan awaits them (an email, so on the rate-limited mail queue).
      const { notifyInspectionPlanProposed } = proxyActivities<Activities>({
        ...EMAIL_ACTIVITY_OPTIONS,
        taskQueue: mailTaskQueue(workflowInfo().taskQueue),
      });
      const sent = await notifyInspectionPlanProposed({
        cycleId: input.cycleId,
        workflowId,
        proposedOn: state.proposedOn,
        visits: state.proposed.length,
        eligible: eligible.size,
        byRisk: state.proposed.filter((v) => v.source === 'risk').length,
        bySample: state.proposed.filter((v) => v.source === 'sample').length,
      });
      for (const failure of sent.undeliverable)
        log.warn('a coordinator was not told of the plan', { failure });
    }
  }

  function childInput(
    agency: AgencyRef,
    line: { kind: PlannedVisit['kind']; visitOn: IsoDate },
  ): InspectionInput {
    return {
      cycleId: input.cycleId,
      program: input.program,
      year: input.year,
      programVersionId: input.programVersionId,
      agency,
      kind: line.kind,
      visitOn: line.visitOn,
      noticeWorkingDays: settings!.noticeWorkingDays,
      remedyWorkingDays: settings!.remedyWorkingDays,
      ...inspectionLadder(m),
      calendar: input.calendar,
      // The cycle's clock (in cycles started before it: one starting where the cycle's calendar is now).
      clock: input.oneClock ? { ...input.clock } : { originMs: now(), scale: input.clock.scale },
    };
  }

  async function startApproved(plan: ApproveInspectionPlanInput): Promise<void> {
    const known = new Map(state.proposed.map((v) => [v.agency.code, v]));
    const added = plan.visits.map((v) => v.code).filter((code) => !known.has(code));
    const addedRefs = new Map(
      (added.length
        ? await inspectionAgencies({ cycleId: input.cycleId, milestone: m.key, codes: added })
        : []
      ).map((a) => [a.code, a]),
    );
    state.approved = plan.visits.map((line): PlannedVisit => {
      const proposed = known.get(line.code);
      return {
        agency: proposed?.agency ?? addedRefs.get(line.code)!,
        kind: line.kind,
        visitOn: line.visitOn,
        source: proposed?.source ?? 'coordinator',
        score: proposed?.score ?? 0,
        reasons: proposed?.reasons ?? [],
      };
    });
    state.approvedBy = plan.by;
    state.approvedOn = today();
    state.stage = 'approved';
    const notes: string[] = [];
    for (let i = 0; i < state.approved.length; i += START_CHUNK) {
      await Promise.all(
        state.approved.slice(i, i + START_CHUNK).map(async (visit) => {
          const id = inspectionWorkflowId(input.program, input.year, visit.agency.code);
          try {
            await startChild(inspection, {
              workflowId: id,
              args: [childInput(visit.agency, visit)],
              typedSearchAttributes: [
                { key: PhProgram, value: input.program },
                { key: PhYear, value: input.year },
                { key: PhAgency, value: visit.agency.code },
              ],
              memo: { agencyName: visit.agency.name, agencyGroup: visit.agency.group },
              staticSummary: inspectionSummary(
                input.program,
                input.year,
                visit.agency,
                visit.kind,
                visit.visitOn,
              ),
              // The inspections outlive the cycle: recommendations are followed for months after it ends.
              parentClosePolicy: ParentClosePolicy.ABANDON,
            });
            state.started.push(id);
          } catch (err) {
            if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
            notes.push(`${visit.agency.code}: an inspection ${id} already exists; not started again`);
          }
        }),
      );
    }
    state.started.sort();
    if (notes.length) state.note = notes.join('; ');
    await recordAudit({
      actor: plan.by,
      action: 'inspection-plan.approve',
      subject: workflowId,
      details: {
        visits: state.approved.map((v) => ({
          code: v.agency.code,
          kind: v.kind,
          visitOn: v.visitOn,
          source: v.source,
        })),
        started: state.started.length,
        ...(notes.length ? { notes } : {}),
      },
    });
  }

  async function lapse(note: string): Promise<void> {
    state.stage = 'lapsed';
    state.note = note;
    log.warn('the inspection plan lapsed', { workflowId, note });
    await recordAudit({
      actor: 'system',
      action: 'inspection-plan.lapse',
      subject: workflowId,
      details: { note, proposedOn: state.proposedOn ?? null },
    });
  }

  async function run(): Promise<void> {
    const proposeAt = localInstant(m.requestOn, PROPOSE_HOUR);
    await condition(() => closed, Math.max(1, sleepUntil(input.clock, Date.now(), proposeAt)));
    try {
      if (!closed) {
        await propose();
        await condition(() => approval !== undefined || closed);
      }
      if (approval) {
        await startApproved(approval);
      } else {
        await lapse(
          state.proposedOn
            ? `not approved by ${today()}, when the year's obligations ended: no inspection started`
            : `the year's obligations ended before the proposal day (${state.proposeOn})`,
        );
      }
    } catch (err) {
      // An inspection plan that cannot be drawn up must not fail the year's cycle: it lapses, with why.
      if (!(err instanceof ActivityFailure)) throw err;
      await lapse(`the plan could not be made: ${err.cause?.message ?? err.message}`);
    } finally {
      startsDone = true;
    }
  }

  return {
    done: run(),
    close: () => {
      closed = true;
    },
  };
}

/** The inspection milestone of a plan, if it has one (the first). */
export function inspectionMilestone(milestones: PlannedMilestone[]): PlannedMilestone | undefined {
  return milestones.find((x) => x.kind === 'inspection');
}
