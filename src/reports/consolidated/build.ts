// Builds the consolidated report of one cycle from the read model: the outcome of every agency on every
// milestone (Cycle.summary once the cycle is consolidated, else the same rule applied to the obligations),
// the on-time rates, the late, missing and named agencies, the figures the reports gave, the previous
// year's cycle of the program for comparison, and the narrative. Reads only.
import type { Database } from '../../db/client';
import { localDate } from '../../cycle/clock';
import { AGENCY_GROUP_NAMES } from '../../directory/groups';
import { loadProgramVersion } from '../../programs/store';
import { cycleProgress, type MilestoneProgress } from '../charts/progress';
import { loadMatrix } from '../matrix';
import type { ProgramDefinition } from '../../programs/types';
import type { ReportLang } from '../labels';
import { percentagePoints } from './format';
import { writeNarrative } from './narrative';
import { outcomeOfObligation, parseOutcome, rateCounts } from './outcomes';
import type {
  ComparisonRow,
  ComplianceRow,
  ConsolidatedReport,
  FigureTotal,
  InspectionsSection,
  ListedAgency,
  MilestoneFigures,
  MilestoneRates,
  Outcome,
  RateCounts,
  ReportMilestone,
  YearComparison,
} from './types';

export { outcomeOfObligation, parseOutcome, rateCounts };

type Db = Pick<Database, 'prisma'>;

export interface BuildOptions {
  lang: ReportLang;
  /** The report's time (default: now). */
  now?: Date;
}

function groupOrder(groups: Iterable<string>): string[] {
  const known = AGENCY_GROUP_NAMES as readonly string[];
  const present = new Set(groups);
  return [...known.filter((g) => present.has(g)), ...[...present].filter((g) => !known.includes(g)).sort()];
}

interface Compliance {
  cycle: { id: number; programId: number; program: string; year: number; status: string };
  definition: ProgramDefinition;
  milestones: ReportMilestone[];
  groups: string[];
  rows: ComplianceRow[];
  /** Per report milestone (same order as `milestones`): owing agencies and their submission dates. */
  progress: MilestoneProgress[];
}

/**
 * The compliance table of a cycle, or undefined when there is no such cycle: the matrix's rows (the
 * dashboard's reader, src/reports/matrix.ts), each cell's outcome from Cycle.summary when the cycle was
 * consolidated, else by the consolidation rule.
 */
async function loadCompliance(db: Db, cycleId: number): Promise<Compliance | undefined> {
  const matrix = await loadMatrix(db, cycleId);
  if (!matrix) return undefined;
  const cycle = await db.prisma.cycle.findUniqueOrThrow({
    where: { id: cycleId },
    select: { programId: true, programVersionId: true, summary: true },
  });
  const { definition } = await loadProgramVersion(db, { id: cycle.programVersionId });
  const summary = (cycle.summary ?? null) as { agencies?: Record<string, Record<string, string>> } | null;
  // The lead's own milestones (the consolidation this report is) are not counted against it: a milestone
  // no agency but the lead owes is left out of the report's tables, rates and lists.
  const kept = matrix.milestones.flatMap((m, i) => {
    const owing = matrix.rows.filter((row) => row.cells[i]);
    const leadsOwn = owing.length > 0 && owing.every((row) => row.code === definition.lead);
    return leadsOwn ? [] : [i];
  });
  const milestones: ReportMilestone[] = kept.map((i) => {
    const m = matrix.milestones[i]!;
    return {
      key: m.key,
      kind: (definition.milestones.find((d) => d.key === m.key)?.kind as string | undefined) ?? 'other',
      title: m.title,
    };
  });
  const rows: ComplianceRow[] = matrix.rows
    .map((row) => {
      const cells = kept.map((i) => row.cells[i]);
      return {
        code: row.code,
        name: row.name,
        nameEn: row.nameEn,
        group: row.group,
        outcomes: cells.map((cell, j) => {
          if (!cell) return null;
          const stored = summary?.agencies?.[row.code]?.[milestones[j]!.key];
          return stored ? parseOutcome(stored) : outcomeOfObligation({ ...cell, status: cell.state });
        }),
        flaggedOn: milestones.filter((_, j) => cells[j]?.flagged).map((m) => m.key),
      };
    })
    .filter((row) => row.outcomes.some((o) => o !== null));
  const groups = groupOrder(rows.map((r) => r.group));
  const rank = new Map(groups.map((g, i) => [g, i]));
  // The matrix is sorted by Vietnamese name; the report groups it (a stable sort keeps the names' order).
  rows.sort((a, b) => (rank.get(a.group) ?? 0) - (rank.get(b.group) ?? 0));
  return {
    cycle: {
      id: matrix.cycle.id,
      programId: cycle.programId,
      program: matrix.cycle.program,
      year: matrix.cycle.year,
      status: matrix.cycle.status,
    },
    definition,
    milestones,
    groups,
    rows,
    progress: cycleProgress(
      {
        ...matrix,
        milestones: kept.map((i) => matrix.milestones[i]!),
        rows: matrix.rows.map((r) => ({ ...r, cells: kept.map((i) => r.cells[i] ?? null) })),
      },
      definition,
    ),
  };
}

function outcomesAt(rows: readonly ComplianceRow[], index: number): Outcome[] {
  return rows.flatMap((r) => (r.outcomes[index] ? [r.outcomes[index]] : []));
}

function milestoneRates(c: Compliance): MilestoneRates[] {
  return c.milestones.map((m, i) => ({
    milestone: m.key,
    overall: rateCounts(outcomesAt(c.rows, i)),
    // Only the groups that had the milestone (a consolidation is the lead's alone).
    byGroup: c.groups
      .map((group) => ({
        group,
        counts: rateCounts(
          outcomesAt(
            c.rows.filter((r) => r.group === group),
            i,
          ),
        ),
      }))
      .filter((g) => g.counts.assigned > 0),
  }));
}

function allOutcomes(rows: readonly ComplianceRow[]): Outcome[] {
  return rows.flatMap((r) => r.outcomes.filter((o): o is Outcome => o !== null));
}

function listed(c: Compliance, kind: 'late' | 'missing'): ListedAgency[] {
  return c.rows.flatMap((row) => {
    const milestones = c.milestones.flatMap((m, i) => {
      const o = row.outcomes[i];
      if (!o || o.kind !== kind) return [];
      return [o.kind === 'late' ? { milestone: m.key, days: o.days } : { milestone: m.key }];
    });
    const { code, name, nameEn, group } = row;
    return milestones.length > 0 ? [{ code, name, nameEn, group, milestones }] : [];
  });
}

function compare(milestone: string, current: RateCounts, previous: RateCounts): ComparisonRow {
  return {
    milestone,
    current,
    previous,
    ratePoints:
      current.rate !== null && previous.rate !== null ? percentagePoints(current.rate, previous.rate) : null,
    onTimeDelta: current.onTime - previous.onTime,
    lateDelta: current.late - previous.late,
    missingDelta: current.missing - previous.missing,
  };
}

/** The agencies' figures per report milestone, from each obligation's accepted (else last) submission. */
async function figureTotals(
  db: Db,
  cycleId: number,
  definition: ProgramDefinition,
): Promise<MilestoneFigures[]> {
  const result: MilestoneFigures[] = [];
  for (const milestone of definition.milestones) {
    const figures = milestone.figures ?? [];
    if (figures.length === 0) continue;
    const obligations = await db.prisma.obligation.findMany({
      where: { cycleId, milestoneKey: milestone.key },
      select: {
        submissions: {
          select: { status: true, figures: true },
          orderBy: [{ submittedAt: 'asc' }, { id: 'asc' }],
        },
      },
    });
    const counted = obligations.flatMap((o) => {
      const accepted = o.submissions.filter((s) => s.status === 'accepted').at(-1);
      const chosen = accepted ?? o.submissions.filter((s) => s.status !== 'returned').at(-1);
      return chosen ? [(chosen.figures ?? {}) as Record<string, unknown>] : [];
    });
    const totals: FigureTotal[] = figures.map((f) => {
      const values = counted
        .map((given) => given[f.key])
        .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      const sum = values.reduce((a, b) => a + b, 0);
      const aggregate = f.type === 'percent' ? 'mean' : 'sum';
      return {
        key: f.key,
        label: f.label,
        unit: f.unit ?? null,
        type: f.type,
        aggregate,
        value: values.length === 0 ? null : aggregate === 'mean' ? sum / values.length : sum,
        agencies: values.length,
      };
    });
    result.push({ milestone: milestone.key, submissions: counted.length, figures: totals });
  }
  return result;
}

/** "Điện Biên" from "Ủy ban nhân dân tỉnh Điện Biên"; "" when the issuer names no province or city. */
export function placeOf(issuer: string): string {
  return /(?:tỉnh|thành phố)\s+(.+)$/iu.exec(issuer)?.[1]?.trim() ?? '';
}

/**
 * The cycle's inspections (cancelled ones left out) and their recommendations at the report's date `today`
 * (a civil date): closed = closed by the inspector; open = not closed (open or reported); overdue = still
 * open (not reported) with a due date before `today`.
 */
async function inspectionsOf(db: Db, cycleId: number, today: string): Promise<InspectionsSection> {
  const rows = await db.prisma.inspection.findMany({
    where: { cycleId, status: { not: 'cancelled' } },
    select: {
      kind: true,
      visitOn: true,
      status: true,
      conclusion: true,
      agency: { select: { code: true, name: true, nameEn: true, group: true } },
      recommendations: { select: { status: true, dueOn: true } },
    },
    orderBy: [{ visitOn: 'asc' }, { id: 'asc' }],
  });
  const findings = rows.map((row) => {
    const recs = row.recommendations;
    const closed = recs.filter((r) => r.status === 'closed').length;
    return {
      agency: row.agency,
      kind: row.kind,
      visitOn: row.visitOn.toISOString().slice(0, 10),
      status: row.status as string,
      conclusion: row.conclusion,
      recommendations: {
        total: recs.length,
        closed,
        open: recs.length - closed,
        overdue: recs.filter((r) => r.status === 'open' && r.dueOn.toISOString().slice(0, 10) < today).length,
      },
    };
  });
  const sum = (key: 'total' | 'closed' | 'open' | 'overdue') =>
    findings.reduce((a, f) => a + f.recommendations[key], 0);
  // Inspected: an inspection counts once its conclusion is recorded (planned or visited ones do not).
  const concluded = findings.filter((f) => f.status === 'concluded' || f.status === 'closed');
  return {
    findings,
    agencies: new Set(concluded.map((f) => f.agency.code)).size,
    recommendations: {
      total: sum('total'),
      closed: sum('closed'),
      open: sum('open'),
      overdue: sum('overdue'),
    },
  };
}

/** The consolidated report of one cycle, or undefined when there is no such cycle. */
export async function buildConsolidatedReport(
  db: Db,
  cycleId: number,
  options: BuildOptions,
): Promise<ConsolidatedReport | undefined> {
  const c = await loadCompliance(db, cycleId);
  if (!c) return undefined;
  const now = options.now ?? new Date();
  const { definition } = c;
  const rates = milestoneRates(c);
  const current = allOutcomes(c.rows);
  const totals = {
    overall: rateCounts(current),
    byGroup: c.groups.map((group) => ({
      group,
      counts: rateCounts(allOutcomes(c.rows.filter((r) => r.group === group))),
    })),
  };

  let comparison: YearComparison | null = null;
  const previousCycle = await db.prisma.cycle.findUnique({
    where: { programId_year: { programId: c.cycle.programId, year: c.cycle.year - 1 } },
    select: { id: true },
  });
  if (previousCycle) {
    const p = await loadCompliance(db, previousCycle.id);
    if (p) {
      const previousRates = milestoneRates(p);
      comparison = {
        previousYear: p.cycle.year,
        previousCycleId: p.cycle.id,
        milestones: rates.flatMap((r) => {
          const before = previousRates.find((q) => q.milestone === r.milestone);
          return before ? [compare(r.milestone, r.overall, before.overall)] : [];
        }),
        overall: compare('*', totals.overall, rateCounts(allOutcomes(p.rows))),
        byGroup: totals.byGroup.map(({ group, counts }) => {
          const before = p.rows.filter((r) => r.group === group);
          return {
            group,
            current: counts,
            previous: before.length > 0 ? rateCounts(allOutcomes(before)) : null,
          };
        }),
      };
    }
  }

  const lead = await db.prisma.agency.findUnique({
    where: { code: definition.lead },
    select: { code: true, name: true, nameEn: true },
  });
  const report: ConsolidatedReport = {
    lang: options.lang,
    cycle: {
      id: c.cycle.id,
      program: c.cycle.program,
      programTitle: definition.title,
      year: c.cycle.year,
      status: c.cycle.status,
      final: c.cycle.status === 'completed' || c.cycle.status === 'cancelled',
    },
    document: {
      number: definition.document.number,
      date: definition.document.date,
      issuer: definition.document.issuer,
      implements: definition.document.implements ?? null,
      lead: lead ?? { code: definition.lead, name: definition.lead, nameEn: null },
      place: placeOf(definition.document.issuer.vi),
      symbol: definition.report?.symbol ?? null,
      signer: definition.report?.signer
        ? { title: definition.report.signer.title, name: definition.report.signer.name ?? null }
        : null,
    },
    milestones: c.milestones,
    groups: c.groups,
    compliance: c.rows,
    rates,
    totals,
    late: listed(c, 'late'),
    missing: listed(c, 'missing'),
    flagged: c.rows
      .filter((r) => r.flaggedOn.length > 0)
      .map(({ code, name, nameEn, group, flaggedOn }) => ({
        code,
        name,
        nameEn,
        group,
        milestones: flaggedOn.map((milestone) => ({ milestone })),
      })),
    figures: await figureTotals(db, cycleId, definition),
    inspections: await inspectionsOf(db, cycleId, localDate(now.getTime())),
    comparison,
    progress: c.progress,
    narrative: [],
    generatedAt: now,
  };
  report.narrative = writeNarrative(report, options.lang);
  return report;
}
