// The consolidated report of one cycle, as data: what the DOCX, PDF and XLSX renderers draw and what the
// dashboard can show. Pure types.
import type { Bilingual } from '../../programs/types';
import type { MilestoneProgress } from '../charts/progress';
import type { ReportLang } from '../labels';

/** How one agency did on one milestone (Cycle.summary's strings, parsed). */
export type Outcome =
  | { kind: 'on-time' }
  | { kind: 'late'; days: number }
  | { kind: 'missing' }
  | { kind: 'waived' }
  | { kind: 'cancelled' };

export type OutcomeKind = Outcome['kind'];

export interface ReportMilestone {
  key: string;
  kind: string;
  title: Bilingual;
}

export interface ReportAgency {
  code: string;
  name: string;
  nameEn: string | null;
  group: string;
}

/** One row of the compliance table: an agency and its outcome per milestone (null: not owed). */
export interface ComplianceRow extends ReportAgency {
  /** One per `ConsolidatedReport.milestones`, same order. */
  outcomes: (Outcome | null)[];
  /** Milestones on which the agency was named (the last rung of the escalation ladder was reached). */
  flaggedOn: string[];
}

/**
 * Counts for a set of obligations. `owed` excludes waived and cancelled obligations: the on-time rate is
 * onTime / owed, and null when nothing is owed.
 */
export interface RateCounts {
  /** Obligations before exclusions (every agency that had the milestone). */
  assigned: number;
  owed: number;
  onTime: number;
  late: number;
  missing: number;
  waived: number;
  cancelled: number;
  rate: number | null;
  /** Average working days late of the late ones (null when none was late). */
  averageLateDays: number | null;
}

export interface MilestoneRates {
  milestone: string;
  overall: RateCounts;
  /** Per agency group that had the milestone, in `ConsolidatedReport.groups` order. */
  byGroup: { group: string; counts: RateCounts }[];
}

export interface AgencyMilestoneNote {
  milestone: string;
  /** Working days late (late list only). */
  days?: number;
}

export interface ListedAgency extends ReportAgency {
  milestones: AgencyMilestoneNote[];
}

export interface FigureTotal {
  key: string;
  label: Bilingual;
  unit: Bilingual | null;
  type: string | null;
  /** Sum for counts; mean for percentages (a sum of percentages means nothing). */
  aggregate: 'sum' | 'mean';
  /** Null when no agency gave the figure ("không có số liệu", not 0). */
  value: number | null;
  /** Agencies whose submission gave this figure. */
  agencies: number;
}

export interface MilestoneFigures {
  milestone: string;
  /** Agencies whose accepted (or, failing that, last) submission was counted. */
  submissions: number;
  figures: FigureTotal[];
}

/** Recommendations (kiến nghị) counted: closed by the inspector, not closed (open or reported), and of
 * those still open (not reported) past their due date at the report's date. */
export interface RecommendationCounts {
  total: number;
  closed: number;
  open: number;
  overdue: number;
}

/** One inspection (kiểm tra or thanh tra) of an agency in the cycle and where its recommendations stand. */
export interface InspectionFinding {
  agency: ReportAgency;
  kind: 'kiem_tra' | 'thanh_tra';
  /** Civil date of the visit (YYYY-MM-DD). */
  visitOn: string;
  /** Inspection.status (planned, noticed, visited, concluded, closed). */
  status: string;
  conclusion: string | null;
  recommendations: RecommendationCounts;
}

/**
 * The inspection phase: the cycle's inspections (cancelled ones left out), by visit date then agency,
 * and their recommendations totalled. `agencies` counts the distinct agencies inspected: those with an
 * inspection whose conclusion is recorded (concluded or closed).
 */
export interface InspectionsSection {
  findings: InspectionFinding[];
  agencies: number;
  recommendations: RecommendationCounts;
}

export interface ComparisonRow {
  milestone: string;
  current: RateCounts;
  previous: RateCounts;
  /** Percentage points (one decimal); null when either year has no rate. */
  ratePoints: number | null;
  onTimeDelta: number;
  lateDelta: number;
  missingDelta: number;
}

export interface YearComparison {
  previousYear: number;
  previousCycleId: number;
  /** Milestones both years have, in this year's order. */
  milestones: ComparisonRow[];
  /** All milestones together. */
  overall: ComparisonRow;
  /** All milestones together per agency group of this year (previous: null when the group owed nothing then). */
  byGroup: { group: string; current: RateCounts; previous: RateCounts | null }[];
}

export interface ConsolidatedReport {
  lang: ReportLang;
  cycle: {
    id: number;
    program: string;
    programTitle: Bilingual;
    year: number;
    status: string;
    /** True once the cycle completed or was cancelled (its outcome is final). */
    final: boolean;
  };
  document: {
    number: string;
    date: string;
    issuer: Bilingual;
    implements: Bilingual | null;
    /** The lead agency (the report's author). */
    lead: { code: string; name: string; nameEn: string | null };
    /** The province or city named in the issuer ("Điện Biên"), for the place line. */
    place: string;
    /** The report's symbol from the program ("BC-SVHTTDL"), null when the program gives none. */
    symbol: string | null;
    /** Who signs: the title from the program (the head of the lead agency), the name when known. */
    signer: { title: Bilingual; name: string | null } | null;
  };
  milestones: ReportMilestone[];
  /** Agency groups present, in the directory's order of groups. */
  groups: string[];
  /** Sorted by group, then Vietnamese name. */
  compliance: ComplianceRow[];
  rates: MilestoneRates[];
  /** Every milestone together, per group and overall. */
  totals: { overall: RateCounts; byGroup: { group: string; counts: RateCounts }[] };
  late: ListedAgency[];
  missing: ListedAgency[];
  flagged: ListedAgency[];
  figures: MilestoneFigures[];
  inspections: InspectionsSection;
  comparison: YearComparison | null;
  /** Per milestone (same order as `milestones`): who owes it and when they submitted, for the charts. */
  progress: MilestoneProgress[];
  /** Paragraphs generated from the numbers, in `lang`. */
  narrative: string[];
  generatedAt: Date;
}
