// The cycles list and the matrix page (agencies × milestones) of one cycle. The matrix itself (cell
// states from the read model and the notification log, filters, counts) is src/reports/matrix.ts, which
// the exports write too; this file adds the page's paging, labels and group list.
import type { Database } from '../../db/client';
import { cachedProgramVersion } from '../read-cache';
import { agencyName, filterMatrix, loadMatrix, matrixCounts } from '../../reports/matrix';
import { formatDate, type Lang } from '../i18n';
import { CELL_STATES, cycleStatusLabel, DASH, groupLabel, stateLabel, type CellState } from './i18n';

export interface CycleRow {
  id: number;
  program: string;
  programTitle: string;
  year: number;
  status: string;
  statusLabel: string;
  agencies: number;
  obligations: number;
  counts: { state: string; label: string; count: number }[];
}

export async function loadCycles(db: Database, lang: Lang): Promise<CycleRow[]> {
  const cycles = await db.prisma.cycle.findMany({
    orderBy: [{ year: 'desc' }, { id: 'desc' }],
    include: { program: true },
  });
  const byStatus = await db.prisma.obligation.groupBy({
    by: ['cycleId', 'status'],
    _count: { _all: true },
  });
  const agencies = await db.prisma.obligation.groupBy({ by: ['cycleId', 'agencyId'] });
  const titles = new Map<number, string>();
  for (const c of cycles) {
    if (titles.has(c.programVersionId)) continue;
    const { definition } = await cachedProgramVersion(db, c.programVersionId);
    titles.set(c.programVersionId, definition.title[lang]);
  }
  return cycles.map((c) => {
    const counts = byStatus.filter((r) => r.cycleId === c.id);
    return {
      id: c.id,
      program: c.program.code,
      programTitle: titles.get(c.programVersionId) ?? c.program.title,
      year: c.year,
      status: c.status,
      statusLabel: cycleStatusLabel(c.status, lang),
      agencies: agencies.filter((a) => a.cycleId === c.id).length,
      obligations: counts.reduce((n, r) => n + r._count._all, 0),
      counts: CELL_STATES.map((s) => ({
        state: s,
        label: stateLabel(s, lang),
        count: counts.find((r) => r.status === s)?._count._all ?? 0,
      })).filter((s) => s.count > 0),
    };
  });
}

export interface MatrixFilters {
  state?: CellState;
  group?: string;
  q?: string;
  page: number;
}

export const MATRIX_PAGE_SIZE = 100;

/** The matrix's query parameters (schemas.ts, `matrixQuery`). */
export interface MatrixQuery {
  state?: string;
  group?: string;
  q?: string;
  trang?: string;
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
    groups: [...new Set(full.rows.map((r) => r.group))]
      .sort()
      .map((g) => ({ value: g, label: groupLabel(g, lang) })),
    states: CELL_STATES.map((s) => ({ value: s, label: stateLabel(s, lang) })),
    total: shown.rows.length,
    page,
    pages,
  };
}
