// The cycles list and the matrix (agencies × milestones) of one cycle, from the read model and the
// notification log.
import type { Database } from '../../db/client';
import { loadProgramVersion } from '../../programs/store';
import { localDate } from '../../cycle/clock';
import { agencyWorkflowId } from '../../workflows/obligation-types';
import { formatDate, type Lang } from '../i18n';
import { CELL_STATES, cycleStatusLabel, groupLabel, stateLabel, type CellState } from './i18n';

/**
 * A cell's state. The read model folds "reminded" into requested and "escalated" into overdue; the
 * notification log tells them apart: a reminder sent in the milestone's latest deadline round makes a
 * requested obligation "reminded", an escalation step sent in it makes an overdue one "escalated".
 * `sentSteps` are the steps of the emails sent for this agency and milestone ("annual-plan:r0:remind-5").
 * (An extension starts a new round; until the new round's first email, the previous round's is the
 * latest one seen.)
 */
export function cellState(status: string, sentSteps: readonly string[]): CellState {
  const parsed = sentSteps
    .map((s) => /:r(\d+):([^:]+)$/.exec(s))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ round: Number(m[1]), name: m[2]! }));
  const latest = Math.max(-1, ...parsed.map((p) => p.round));
  const inLatest = parsed.filter((p) => p.round === latest).map((p) => p.name);
  if (status === 'requested' && inLatest.some((n) => n.startsWith('remind'))) return 'reminded';
  if (status === 'overdue' && inLatest.some((n) => n.startsWith('escalate'))) return 'escalated';
  return (CELL_STATES as readonly string[]).includes(status) ? (status as CellState) : 'pending';
}

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
    const { definition } = await loadProgramVersion(db, { id: c.programVersionId });
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

/** Query parameters of the matrix as filters; anything unknown is ignored. */
export function parseFilters(query: Record<string, unknown>): MatrixFilters {
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const state = str(query.state);
  const page = Number(str(query.trang) || '1');
  return {
    state: (CELL_STATES as readonly string[]).includes(state) ? (state as CellState) : undefined,
    group: str(query.group).slice(0, 100) || undefined,
    q: str(query.q).slice(0, 100) || undefined,
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

/** Lowercase without diacritics (đ → d), so "dien bien" finds "Điện Biên". */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

export interface MatrixCell {
  state: CellState;
  label: string;
  due: string;
  flagged: boolean;
}

export interface MatrixView {
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

export async function loadMatrix(
  db: Database,
  cycleId: number,
  filters: MatrixFilters,
  lang: Lang,
): Promise<MatrixView | undefined> {
  const cycle = await db.prisma.cycle.findUnique({ where: { id: cycleId }, include: { program: true } });
  if (!cycle) return undefined;
  const { definition } = await loadProgramVersion(db, { id: cycle.programVersionId });
  const obligations = await db.prisma.obligation.findMany({
    where: { cycleId },
    select: {
      agencyId: true,
      milestoneKey: true,
      status: true,
      dueAt: true,
      flagged: true,
      agency: { select: { code: true, name: true, nameEn: true, group: true } },
    },
  });
  const sent = await db.prisma.notification.findMany({
    where: {
      cycleId,
      status: 'sent',
      OR: [{ step: { contains: ':remind-' } }, { step: { contains: ':escalate-' } }],
    },
    select: { workflowId: true, milestoneKey: true, step: true },
  });
  // The notification log names the agency by its workflow ID (its agencyId column is not filled in).
  const stepsOf = new Map<string, string[]>();
  for (const n of sent) {
    const key = `${n.workflowId}|${n.milestoneKey}`;
    stepsOf.set(key, [...(stepsOf.get(key) ?? []), n.step]);
  }

  const present = new Set(obligations.map((o) => o.milestoneKey));
  const milestones = [
    ...definition.milestones
      .filter((m) => present.has(m.key))
      .map((m) => ({ key: m.key, title: m.title[lang] })),
    ...[...present]
      .filter((k) => !definition.milestones.some((m) => m.key === k))
      .sort()
      .map((k) => ({ key: k, title: k })),
  ];
  const column = new Map(milestones.map((m, i) => [m.key, i]));

  const agencies = new Map<
    number,
    { code: string; name: string; group: string; cells: (MatrixCell | null)[] }
  >();
  for (const o of obligations) {
    let row = agencies.get(o.agencyId);
    if (!row) {
      row = {
        code: o.agency.code,
        name: lang === 'en' && o.agency.nameEn ? o.agency.nameEn : o.agency.name,
        group: o.agency.group,
        cells: milestones.map(() => null),
      };
      agencies.set(o.agencyId, row);
    }
    const workflowId = agencyWorkflowId(cycle.program.code, cycle.year, o.agency.code);
    const state = cellState(o.status, stepsOf.get(`${workflowId}|${o.milestoneKey}`) ?? []);
    row.cells[column.get(o.milestoneKey)!] = {
      state,
      label: stateLabel(state, lang),
      due: formatDate(localDate(o.dueAt.getTime())),
      flagged: o.flagged,
    };
  }
  const all = [...agencies.values()].sort(
    (a, b) => a.name.localeCompare(b.name, 'vi') || a.code.localeCompare(b.code),
  );
  const groups = [...new Set(all.map((r) => r.group))]
    .sort()
    .map((g) => ({ value: g, label: groupLabel(g, lang) }));

  const needle = filters.q ? fold(filters.q) : undefined;
  const matching = all.filter(
    (r) =>
      (!filters.group || r.group === filters.group) &&
      (!needle || fold(r.name).includes(needle) || fold(r.code).includes(needle)),
  );
  const counts = CELL_STATES.map((state) => ({
    state,
    label: stateLabel(state, lang),
    perMilestone: milestones.map((_, i) => matching.filter((r) => r.cells[i]?.state === state).length),
  }));
  const shown = filters.state
    ? matching.filter((r) => r.cells.some((c) => c?.state === filters.state))
    : matching;
  const pages = Math.max(1, Math.ceil(shown.length / MATRIX_PAGE_SIZE));
  const page = Math.min(filters.page, pages);
  return {
    cycle: {
      id: cycle.id,
      program: cycle.program.code,
      programTitle: definition.title[lang],
      year: cycle.year,
      status: cycle.status,
      statusLabel: cycleStatusLabel(cycle.status, lang),
    },
    milestones,
    rows: shown.slice((page - 1) * MATRIX_PAGE_SIZE, page * MATRIX_PAGE_SIZE),
    counts,
    groups,
    states: CELL_STATES.map((s) => ({ value: s, label: stateLabel(s, lang) })),
    total: shown.length,
    page,
    pages,
  };
}
