// The cycle's inspection plan: which agencies are inspected this year, when, and why. Pure and
// deterministic (workflow code imports it): the risk figures come from an activity, the random sample from
// the workflow's seeded Math.random, and every date from the working calendar in the workflow input.
import { compareIsoDates, isIsoDate, type IsoDate } from '../calendar/dates';
import type { WorkingCalendar } from '../calendar/working-calendar';
import type { AgencyRef } from '../workflows/obligation-types';
import { INSPECTION_KINDS, type InspectionKind } from './types';
import { refusal, type Refusal } from '../workflows/refusals';

/** Why an agency is a risk: an obligation missing or late so far this year, or a recommendation still open. */
export type RiskReason =
  | { kind: 'missing'; milestone: string; dueOn: IsoDate }
  | { kind: 'late'; milestone: string; workingDays: number }
  | { kind: 'open-recommendation'; year: number; number: number; dueOn: IsoDate };

/** Weight of each reason in an agency's risk score: what is missing or unremedied weighs more than lateness. */
export const RISK_WEIGHTS: Record<RiskReason['kind'], number> = {
  missing: 3,
  'open-recommendation': 2,
  late: 1,
};

export interface RiskCandidate {
  agency: AgencyRef;
  reasons: RiskReason[];
}

/** What the proposal activity reads from the database (and the program) for the workflow to select from. */
export interface InspectionCandidates {
  /** The program's inspection settings (defaults applied). */
  settings: InspectionPlanSettings;
  /**
   * The riskiest eligible agencies with their risk reasons, at most riskLimit (see `riskiest`). Histories
   * recorded before that limit hold every agency with a reason; the selection from them is the same.
   */
  risky: RiskCandidate[];
  /** Every agency the inspections may address (the milestone's groups, in the cycle's snapshot), by code. */
  eligible: string[];
}

export interface InspectionPlanSettings {
  noticeWorkingDays: number;
  remedyWorkingDays: number;
  /** At most this many agencies chosen by risk (highest score first). */
  riskLimit: number;
  /** Plus this many drawn at random from the other eligible agencies. */
  sampleSize: number;
  /** Visits proposed per working day. */
  visitsPerDay: number;
}

export const INSPECTION_PLAN_DEFAULTS = { riskLimit: 10, sampleSize: 3, visitsPerDay: 2 } as const;

/** At most this many visits in one year's plan (the approval form and the workflow input stay small). */
export const MAX_PLANNED_VISITS = 200;

export type VisitSource = 'risk' | 'sample' | 'coordinator';

export interface PlannedVisit {
  agency: AgencyRef;
  kind: InspectionKind;
  visitOn: IsoDate;
  source: VisitSource;
  /** Risk score (sum of RISK_WEIGHTS over the reasons); 0 for the sample. */
  score: number;
  reasons: RiskReason[];
}

export type InspectionPlanStage = 'waiting' | 'proposed' | 'approved' | 'lapsed' | 'cancelled';

/** The plan as the cycle holds it: the `inspectionPlan` query of `annualCycle`. */
export interface InspectionPlanState {
  stage: InspectionPlanStage;
  /** The day the proposal is (or was) made: the inspection milestone's request day. */
  proposeOn: IsoDate;
  /** Visits start on the first working day after this (the milestone's due date). */
  visitsFrom: IsoDate;
  proposedOn?: IsoDate;
  settings?: InspectionPlanSettings;
  /** The proposal as the cycle drew it. */
  proposed: PlannedVisit[];
  /** Eligible agencies (codes) the coordinator may add. */
  eligibleCount: number;
  /** The earliest visit date the notice period still allows, as of the query. */
  earliestVisitOn?: IsoDate;
  approved?: PlannedVisit[];
  approvedBy?: string;
  approvedOn?: IsoDate;
  /** Workflow IDs of the inspections started. */
  started: string[];
  note?: string;
}

/** One line of the approved plan, as the coordinator sends it. */
export interface PlanLine {
  code: string;
  kind: InspectionKind;
  visitOn: IsoDate;
}

export interface ApproveInspectionPlanInput {
  /** The plan as approved: may drop proposed agencies, add eligible ones, move dates, change the kind. */
  visits: PlanLine[];
  /** Who approves, e.g. "coordinator:<login>". */
  by: string;
}

export function riskScore(reasons: RiskReason[]): number {
  return reasons.reduce((sum, r) => sum + RISK_WEIGHTS[r.kind], 0);
}

/**
 * The riskiest `limit` candidates with their scores: a score above 0, highest first, then by code. The
 * proposal activity keeps only these (the selection takes no others), so the cycle's history does not carry
 * every risky agency: with 10,000 agencies and nobody answering, the whole list was 1.9 MB, just under
 * Temporal's 2 MB limit on a payload.
 */
export function riskiest(risky: RiskCandidate[], limit: number): (RiskCandidate & { score: number })[] {
  return risky
    .map((c) => ({ ...c, score: riskScore(c.reasons) }))
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score || a.agency.code.localeCompare(b.agency.code))
    .slice(0, limit);
}

export interface Selection {
  /** The riskiest agencies, highest score first (then by code). */
  risk: (RiskCandidate & { score: number })[];
  /** Codes drawn at random from the other eligible agencies, sorted. */
  sample: string[];
}

/**
 * Who the proposal names: the riskiest agencies (score, then code), up to riskLimit, and sampleSize more
 * drawn uniformly without replacement from the other eligible agencies with `random` (in a workflow, its
 * seeded Math.random, so the draw replays identically).
 */
export function selectForInspection(candidates: InspectionCandidates, random: () => number): Selection {
  const { settings } = candidates;
  const risk = riskiest(candidates.risky, settings.riskLimit);
  const chosen = new Set(risk.map((c) => c.agency.code));
  const pool = candidates.eligible.filter((code) => !chosen.has(code));
  const sample: string[] = [];
  // A partial Fisher–Yates shuffle: the first sampleSize places of a uniformly random permutation.
  for (let i = 0; i < Math.min(settings.sampleSize, pool.length); i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    const picked = pool[j]!;
    pool[j] = pool[i]!;
    pool[i] = picked;
    sample.push(picked);
  }
  return { risk, sample: sample.sort() };
}

/** The proposal's visits: risk first, then the sample (`sampled`: its agencies), visitsPerDay per working day. */
export function proposedVisits(
  selection: Selection,
  sampled: AgencyRef[],
  calendar: WorkingCalendar,
  firstVisitOn: IsoDate,
  visitsPerDay: number,
): PlannedVisit[] {
  const visits: Omit<PlannedVisit, 'visitOn'>[] = [
    ...selection.risk.map((c) => ({
      agency: c.agency,
      kind: 'kiem-tra' as const,
      source: 'risk' as const,
      score: c.score,
      reasons: c.reasons,
    })),
    ...sampled.map((agency) => ({
      agency,
      kind: 'kiem-tra' as const,
      source: 'sample' as const,
      score: 0,
      reasons: [],
    })),
  ];
  const days = visitDays(calendar, firstVisitOn, visitsPerDay, visits.length);
  return visits.map((v, i) => ({ ...v, visitOn: days[i]! }));
}

/** `count` visit dates, `perDay` per working day from the first working day on or after `from`. */
export function visitDays(
  calendar: WorkingCalendar,
  from: IsoDate,
  perDay: number,
  count: number,
): IsoDate[] {
  const days: IsoDate[] = [];
  let day = calendar.nextWorkingDayOnOrAfter(from);
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % perDay === 0) day = calendar.addWorkingDays(day, 1);
    days.push(day);
  }
  return days;
}

/**
 * The visit dates the approval form offers: the proposal's while they can still be approved; once the
 * proposal has waited past its first date (`earliest`: the first date an approval today allows), the same
 * visits in the same order placed again from `earliest`, `perDay` per working day, as the proposal was.
 */
export function formVisitDates(
  proposed: readonly IsoDate[],
  earliest: IsoDate | undefined,
  calendar: WorkingCalendar,
  perDay: number,
): IsoDate[] {
  if (!earliest || proposed.every((d) => d >= earliest)) return [...proposed];
  return visitDays(calendar, earliest, Math.max(1, perDay), proposed.length);
}

/** The first visit date a plan approved on `today` can have: the notice must go out on a working day after today. */
export function earliestVisitOn(
  calendar: WorkingCalendar,
  today: IsoDate,
  noticeWorkingDays: number,
): IsoDate {
  return calendar.addWorkingDays(calendar.nextWorkingDayOnOrAfter(today), noticeWorkingDays + 1);
}

/**
 * Why an approval cannot be taken (the first problem, as a refusal), or undefined. `eligible` holds the
 * codes the plan may name; `latestVisitOn` is the last day the calendar in the workflow input covers.
 */
export function planProblem(
  input: ApproveInspectionPlanInput,
  eligible: ReadonlySet<string>,
  calendar: WorkingCalendar,
  earliest: IsoDate,
  latestVisitOn: IsoDate,
): Refusal | undefined {
  if (typeof input?.by !== 'string' || !input.by.trim()) {
    return refusal('field-required', { field: 'by' }, 'by is required');
  }
  if (!Array.isArray(input.visits)) {
    return refusal(
      'not-a-list',
      { field: 'visits' },
      'visits must be a list (empty for no inspection this year)',
    );
  }
  if (input.visits.length > MAX_PLANNED_VISITS) {
    const limit = MAX_PLANNED_VISITS;
    return refusal('too-many', { what: 'visits', limit }, `more than ${limit} visits`);
  }
  const seen = new Set<string>();
  for (const [i, v] of input.visits.entries()) {
    const line = i + 1;
    const at = `visit ${line}`;
    if (typeof v?.code !== 'string' || !eligible.has(v.code)) {
      return refusal(
        'visit-not-eligible',
        { line, code: String(v?.code) },
        `${at}: ${JSON.stringify(v?.code)} is not an agency this program's inspections address`,
      );
    }
    const code = v.code;
    if (seen.has(code)) return refusal('visit-twice', { line, code }, `${at}: ${code} is in the plan twice`);
    seen.add(code);
    if (!(INSPECTION_KINDS as readonly string[]).includes(v.kind)) {
      const kinds = INSPECTION_KINDS.join(', ');
      return refusal(
        'visit-bad-kind',
        { line, code, kinds },
        `${at} (${code}): the kind must be one of ${kinds}`,
      );
    }
    if (!isIsoDate(v.visitOn)) {
      return refusal(
        'visit-not-a-date',
        { line, code, value: String(v.visitOn) },
        `${at} (${code}): ${JSON.stringify(v.visitOn)} is not a date written YYYY-MM-DD`,
      );
    }
    const date = v.visitOn;
    if (compareIsoDates(date, latestVisitOn) > 0) {
      return refusal(
        'visit-too-late',
        { line, code, date, latest: latestVisitOn },
        `${at} (${code}): ${date} is after ${latestVisitOn}, the last day of the cycle's calendar`,
      );
    }
    if (!calendar.isWorkingDay(date)) {
      return refusal(
        'visit-not-working-day',
        { line, code, date },
        `${at} (${code}): ${date} is not a working day`,
      );
    }
    if (compareIsoDates(date, earliest) < 0) {
      return refusal(
        'visit-too-soon',
        { line, code, date, earliest },
        `${at} (${code}): ${date} is too soon: the notice needs the visit on ${earliest} or later`,
      );
    }
  }
  return undefined;
}
