// The cycles list and the matrix page (agencies × milestones) of one cycle. The matrix itself (cell
// states from the read model and the notification log, filters, counts) is src/reports/matrix.ts, which
// the exports write too; this file adds the page's paging, labels and group list.
import { programFilter, type ResolvedScope } from '../../auth/scopes';
import type { Database } from '../../db/client';
import { cachedProgramVersion } from '../read-cache';
import { isCycleClosed } from './agency-page';
import { loadMatrixCharts, type MatrixCharts } from './matrix-charts';
import { formatPercent } from '../../reports/consolidated/format';
import { groupRates } from '../../reports/charts/progress';
import { CHART_WORDS } from '../../reports/charts/words';
import { agencyName, filterMatrix, loadMatrix, matrixCounts, type Matrix } from '../../reports/matrix';
import { formatDate, type Lang } from '../i18n';
import { CELL_STATES, cycleStatusLabel, DASH, groupLabel, stateLabel, type CellState } from './i18n';

export interface CycleRow {
  id: number;
  program: string;
  programTitle: string;
  /** "Kế hoạch số 99/KH-UBND": the program's document, as people name it. */
  programNumber: string;
  year: number;
  status: string;
  statusLabel: string;
  agencies: number;
  obligations: number;
  counts: { state: string; label: string; count: number }[];
}

/** The cycles of the programs `scope` covers, newest first, with their counts. */
export async function loadCycles(db: Database, lang: Lang, scope: ResolvedScope): Promise<CycleRow[]> {
  const cycles = await db.prisma.cycle.findMany({
    where: programFilter(scope),
    orderBy: [{ year: 'desc' }, { id: 'desc' }],
    include: { program: true },
  });
  const closed = cycles.filter((c) => isCycleClosed(c.status)).map((c) => c.id);
  // A closed cycle's obligations are in their final states, which are the matrix's states: counted in
  // the database. An open one's "reminded" and "escalated" come from the notification log: counted from
  // the matrix itself, so that the list and the matrix always agree.
  const byStatus = await db.prisma.obligation.groupBy({
    by: ['cycleId', 'status'],
    where: { cycleId: { in: closed } },
    _count: { _all: true },
  });
  const agencies = await db.prisma.obligation.groupBy({
    by: ['cycleId', 'agencyId'],
    where: { cycleId: { in: closed } },
  });
  const rows: CycleRow[] = [];
  for (const c of cycles) {
    const { definition } = await cachedProgramVersion(db, c.programVersionId);
    let count: (state: CellState) => number;
    let agencyCount: number;
    if (closed.includes(c.id)) {
      const counts = byStatus.filter((r) => r.cycleId === c.id);
      count = (state) => counts.find((r) => r.status === state)?._count._all ?? 0;
      agencyCount = agencies.filter((a) => a.cycleId === c.id).length;
    } else {
      const matrix = await loadMatrix(db, c.id, {}, lang);
      const totals = new Map(
        (matrix ? matrixCounts(matrix) : []).map((x) => [x.state, x.perMilestone.reduce((a, b) => a + b, 0)]),
      );
      count = (state) => totals.get(state) ?? 0;
      agencyCount = matrix?.rows.length ?? 0;
    }
    const counts = CELL_STATES.map((s) => ({ state: s, label: stateLabel(s, lang), count: count(s) }));
    rows.push({
      id: c.id,
      program: c.program.code,
      programTitle: definition.title[lang],
      programNumber: DASH[lang].planNumber(definition.document.number),
      year: c.year,
      status: c.status,
      statusLabel: cycleStatusLabel(c.status, lang),
      agencies: agencyCount,
      obligations: counts.reduce((n, x) => n + x.count, 0),
      counts: counts.filter((x) => x.count > 0),
    });
  }
  return rows;
}

export interface MatrixFilters {
  state?: CellState;
  group?: string;
  q?: string;
  page: number;
  /** The milestone whose charts are drawn (query `bieu-do`); the first when unknown. */
  chart?: string;
}

export const MATRIX_PAGE_SIZE = 100;

/** The matrix's query parameters (schemas.ts, `matrixQuery`). */
export interface MatrixQuery {
  state?: string;
  group?: string;
  q?: string;
  trang?: string;
  'bieu-do'?: string;
}

/** Query parameters of the matrix as filters; an unknown state or page is ignored. */
export function parseFilters(query: MatrixQuery): MatrixFilters {
  const str = (v: string | undefined) => v?.trim() ?? '';
  const state = str(query.state);
  const page = Number(str(query.trang) || '1');
  return {
    state: (CELL_STATES as readonly string[]).includes(state) ? (state as CellState) : undefined,
    group: str(query.group).slice(0, 100) || undefined,
    q: str(query.q).slice(0, 100) || undefined,
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    chart: str(query['bieu-do']).slice(0, 100) || undefined,
  };
}

/** The query string ("?…", or "") of a matrix page, or of an export, with these filters. */
export function filterQuery(filters: Omit<MatrixFilters, 'page'>, lang: Lang, page?: number): string {
  const query = new URLSearchParams();
  if (filters.state) query.set('state', filters.state);
  if (filters.group) query.set('group', filters.group);
  if (filters.q) query.set('q', filters.q);
  if (page !== undefined) query.set('trang', String(page));
  if (lang === 'en') query.set('lang', 'en');
  const text = query.toString();
  return text ? `?${text}` : '';
}

export interface MatrixCell {
  state: CellState;
  label: string;
  due: string;
  flagged: boolean;
}

export interface MatrixView {
  /** Said when emails of the cycle are waiting for the mail server (sending failed, being retried). */
  mailBacklog?: string;
  cycle: {
    id: number;
    program: string;
    programTitle: string;
    year: number;
    status: string;
    statusLabel: string;
  };
  milestones: { key: string; title: string }[];
  rows: { code: string; name: string; group: string; cells: (MatrixCell | null)[] }[];
  /** Per milestone (same order as `milestones`): the count of each state, over the group/search filter. */
  counts: { state: CellState; label: string; perMilestone: number[] }[];
  /** Per milestone: the accepted split into on time and late (working days late > 0). */
  accepted: { onTime: number[]; late: number[] };
  /** Per milestone: the on-time rate (on time / owed, the consolidated report's rule), formatted. */
  onTimeRates: string[];
  /** The progress charts of one milestone with their tables; undefined when the cycle has no milestone. */
  charts?: MatrixCharts;
  chartWords: {
    heading: string;
    note: string;
    chartFor: string;
    onTimeRow: string;
    acceptedOnTime: string;
    acceptedLate: string;
  };
  groups: { value: string; label: string }[];
  states: { value: CellState; label: string }[];
  total: number;
  page: number;
  pages: number;
}

/** The matrix page of a cycle, or undefined when there is no such cycle. */
export async function loadMatrixView(
  db: Database,
  cycleId: number,
  filters: MatrixFilters,
  lang: Lang,
): Promise<MatrixView | undefined> {
  const full = await loadMatrix(db, cycleId, {}, lang);
  if (!full) return undefined;
  const { cycle } = full;
  // Counts are over the group and search filter; the state filter then picks the rows shown.
  const matching = filterMatrix(full, { group: filters.group, q: filters.q });
  const shown = filters.state ? filterMatrix(matching, { states: [filters.state] }) : matching;
  const pages = Math.max(1, Math.ceil(shown.rows.length / MATRIX_PAGE_SIZE));
  const page = Math.min(filters.page, pages);
  // Emails whose sending has failed at least once and is being retried (the mail server down or refusing).
  const retrying = await db.prisma.notification.count({
    where: { cycleId, status: 'pending', error: { not: null } },
  });
  return {
    mailBacklog: retrying > 0 ? DASH[lang].mailBacklog(retrying) : undefined,
    cycle: {
      id: cycle.id,
      program: cycle.program,
      programTitle: cycle.programTitle[lang],
      year: cycle.year,
      status: cycle.status,
      statusLabel: cycleStatusLabel(cycle.status, lang),
    },
    milestones: full.milestones.map((m) => ({ key: m.key, title: m.title[lang] })),
    rows: shown.rows.slice((page - 1) * MATRIX_PAGE_SIZE, page * MATRIX_PAGE_SIZE).map((row) => ({
      code: row.code,
      name: agencyName(row, lang),
      group: row.group,
      cells: row.cells.map((cell) =>
        cell
          ? {
              state: cell.state,
              label: stateLabel(cell.state, lang),
              due: formatDate(cell.due),
              flagged: cell.flagged,
            }
          : null,
      ),
    })),
    counts: matrixCounts(matching).map((c) => ({ ...c, label: stateLabel(c.state, lang) })),
    accepted: acceptedSplit(matching),
    onTimeRates: matching.milestones.map((_, i) => {
      const all = [...groupRates(matching, i).values()];
      const owed = all.reduce((n, c) => n + c.owed, 0);
      return formatPercent(owed > 0 ? all.reduce((n, c) => n + c.onTime, 0) / owed : null, lang);
    }),
    charts: await loadMatrixCharts(
      db,
      matching,
      { group: filters.group, q: filters.q },
      filters.chart,
      lang,
      (key) => {
        const query = filterQuery(filters, lang);
        return `/quan-ly/chu-ky/${cycleId}${query}${query ? '&' : '?'}bieu-do=${encodeURIComponent(key)}#bieu-do`;
      },
    ),
    chartWords: {
      heading: CHART_WORDS[lang].chartsHeading,
      note: CHART_WORDS[lang].chartsNote,
      chartFor: CHART_WORDS[lang].chartFor,
      onTimeRow: CHART_WORDS[lang].onTimeRow,
      acceptedOnTime: CHART_WORDS[lang].acceptedOnTime,
      acceptedLate: CHART_WORDS[lang].acceptedLate,
    },
    groups: [...new Set(full.rows.map((r) => r.group))]
      .sort()
      .map((g) => ({ value: g, label: groupLabel(g, lang) })),
    states: CELL_STATES.map((s) => ({ value: s, label: stateLabel(s, lang) })),
    total: shown.rows.length,
    page,
    pages,
  };
}

/** Per milestone (same order as `matrix.milestones`): the accepted cells on time and late. Pure. */
export function acceptedSplit(matrix: Matrix): { onTime: number[]; late: number[] } {
  const accepted = (i: number) => matrix.rows.map((r) => r.cells[i]).filter((c) => c?.state === 'accepted');
  return {
    onTime: matrix.milestones.map(
      (_, i) => accepted(i).filter((c) => (c?.lateByWorkingDays ?? 0) <= 0).length,
    ),
    late: matrix.milestones.map((_, i) => accepted(i).filter((c) => (c?.lateByWorkingDays ?? 0) > 0).length),
  };
}
