// The cycle matrix (agencies × milestones) from the read model and the notification log: typed rows that
// the dashboard page shows and the exports write. Reads only.
import type { Database } from '../db/client';
import { localDate } from '../cycle/clock';
import { loadProgramVersion } from '../programs/store';
import type { Bilingual } from '../programs/types';
import { CELL_STATES, isCellState, type CellState, type ReportLang } from './labels';

/**
 * A cell's state. The read model folds "reminded" into requested and "escalated" into overdue; the
 * notification log tells them apart: a reminder sent in the milestone's latest deadline round makes a
 * requested obligation "reminded", an escalation step sent in it makes an overdue one "escalated".
 * `sentSteps` are the steps of the emails sent for this agency and milestone ("annual-plan:r0:remind-5").
 * An extension or a return starts a new round; until its first email, the previous round is the latest.
 */
export function cellState(status: string, sentSteps: readonly string[]): CellState {
  const parsed = sentSteps
    .map((step) => /:r(\d+):([^:]+)$/.exec(step))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ round: Number(m[1]), name: m[2] as string }));
  const latest = Math.max(-1, ...parsed.map((p) => p.round));
  const inLatest = parsed.filter((p) => p.round === latest).map((p) => p.name);
  if (status === 'requested' && inLatest.some((n) => n.startsWith('remind'))) return 'reminded';
  if (status === 'overdue' && inLatest.some((n) => n.startsWith('escalate'))) return 'escalated';
  return isCellState(status) ? status : 'pending';
}

export interface MatrixCell {
  state: CellState;
  /** Local (Asia/Ho_Chi_Minh) due date, YYYY-MM-DD. */
  due: string;
  /** The due instant as stored (end of the due day). */
  dueAt: Date;
  /** When the last submission arrived; null when nothing was submitted. */
  submittedAt: Date | null;
  lateByWorkingDays: number | null;
  flagged: boolean;
}

export interface MatrixRow {
  code: string;
  name: string;
  nameEn: string | null;
  group: string;
  /** One per milestone of `Matrix.milestones`, in the same order; null: the agency does not owe it. */
  cells: (MatrixCell | null)[];
}

export interface MatrixMilestone {
  key: string;
  title: Bilingual;
}

export interface Matrix {
  cycle: { id: number; program: string; programTitle: Bilingual; year: number; status: string };
  /** The milestones owed by at least one agency, in the program's order. */
  milestones: MatrixMilestone[];
  /** Sorted by name (in the language asked for; Vietnamese by default), then code. */
  rows: MatrixRow[];
}

export interface MatrixFilters {
  /** Only agencies of this group. */
  group?: string;
  /** Only this milestone's column (and, with `states`, the state is looked for in it only). */
  milestone?: string;
  /** Only agencies with at least one cell in one of these states. */
  states?: readonly CellState[];
  /**
   * Agency name (Vietnamese or English) or code contains this (case and diacritics ignored: "dien bien"
   * finds "Điện Biên").
   */
  q?: string;
}

/** Lowercase without diacritics (đ → d), for searching Vietnamese names. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

/**
 * The agency code of a notification: its agencyId's when set, else the last part of its workflow ID
 * (the agency workflow "cycle:<program>:<year>:<code>" sends without an agencyId).
 */
function agencyCodeOf(
  notification: { agencyId: number | null; workflowId: string },
  prefix: string,
  codeById: Map<number, string>,
): string | null {
  if (notification.agencyId !== null) return codeById.get(notification.agencyId) ?? null;
  return notification.workflowId.startsWith(prefix) ? notification.workflowId.slice(prefix.length) : null;
}

/** An agency's name in a language: the English one when asked for and known, else the Vietnamese. */
export function agencyName(row: { name: string; nameEn: string | null }, lang: ReportLang): string {
  return lang === 'en' && row.nameEn ? row.nameEn : row.name;
}

/**
 * The matrix of one cycle, or undefined when there is no such cycle. Rows are sorted by the agency's name
 * in `lang` (Vietnamese collation), then by code; `filters` are applied as `filterMatrix` applies them.
 */
export async function loadMatrix(
  db: Pick<Database, 'prisma'>,
  cycleId: number,
  filters: MatrixFilters = {},
  lang: ReportLang = 'vi',
): Promise<Matrix | undefined> {
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
      submittedAt: true,
      lateByWorkingDays: true,
      flagged: true,
      agency: { select: { code: true, name: true, nameEn: true, group: true } },
    },
  });
  const sent = await db.prisma.notification.findMany({
    where: {
      cycleId,
      status: 'sent',
      OR: [{ step: { contains: ':remind' } }, { step: { contains: ':escalate' } }],
    },
    select: { agencyId: true, workflowId: true, milestoneKey: true, step: true },
  });
  const codeById = new Map(obligations.map((o) => [o.agencyId, o.agency.code]));
  const prefix = `cycle:${cycle.program.code}:${cycle.year}:`;
  const stepsOf = new Map<string, string[]>();
  for (const n of sent) {
    const code = agencyCodeOf(n, prefix, codeById);
    const milestone = n.milestoneKey ?? n.step.split(':')[0];
    if (!code || !milestone) continue;
    const key = `${code}|${milestone}`;
    stepsOf.set(key, [...(stepsOf.get(key) ?? []), n.step]);
  }

  const present = new Set(obligations.map((o) => o.milestoneKey));
  const milestones: MatrixMilestone[] = [
    ...definition.milestones.filter((m) => present.has(m.key)).map((m) => ({ key: m.key, title: m.title })),
    ...[...present]
      .filter((key) => !definition.milestones.some((m) => m.key === key))
      .sort()
      .map((key) => ({ key, title: { vi: key, en: key } })),
  ];
  const column = new Map(milestones.map((m, i) => [m.key, i]));

  const byAgency = new Map<number, MatrixRow>();
  for (const o of obligations) {
    let row = byAgency.get(o.agencyId);
    if (!row) {
      row = {
        code: o.agency.code,
        name: o.agency.name,
        nameEn: o.agency.nameEn,
        group: o.agency.group,
        cells: milestones.map(() => null),
      };
      byAgency.set(o.agencyId, row);
    }
    row.cells[column.get(o.milestoneKey) as number] = {
      state: cellState(o.status, stepsOf.get(`${o.agency.code}|${o.milestoneKey}`) ?? []),
      due: localDate(o.dueAt.getTime()),
      dueAt: o.dueAt,
      submittedAt: o.submittedAt,
      lateByWorkingDays: o.lateByWorkingDays,
      flagged: o.flagged,
    };
  }
  const rows = [...byAgency.values()].sort(
    (a, b) =>
      agencyName(a, lang).localeCompare(agencyName(b, lang), 'vi') ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
  const matrix: Matrix = {
    cycle: {
      id: cycle.id,
      program: cycle.program.code,
      programTitle: definition.title,
      year: cycle.year,
      status: cycle.status,
    },
    milestones,
    rows,
  };
  return filterMatrix(matrix, filters);
}

/**
 * The rows (and, with a milestone, the column) of a matrix that match the filters; the order is kept.
 * A search looks in the Vietnamese and English names and the code. Pure.
 */
export function filterMatrix(matrix: Matrix, filters: MatrixFilters): Matrix {
  const kept = matrix.milestones
    .map((milestone, index) => ({ milestone, index }))
    .filter(({ milestone }) => !filters.milestone || milestone.key === filters.milestone);
  const needle = filters.q ? foldText(filters.q.trim()) : '';
  const states = filters.states && filters.states.length > 0 ? new Set(filters.states) : null;
  const rows = matrix.rows
    .map((row) =>
      filters.milestone ? { ...row, cells: kept.map(({ index }) => row.cells[index] ?? null) } : row,
    )
    .filter(
      (row) =>
        (!filters.group || row.group === filters.group) &&
        (!filters.milestone || row.cells.some((cell) => cell !== null)) &&
        (!needle ||
          foldText(row.name).includes(needle) ||
          (row.nameEn !== null && foldText(row.nameEn).includes(needle)) ||
          foldText(row.code).includes(needle)) &&
        (!states || row.cells.some((cell) => cell !== null && states.has(cell.state))),
    );
  return { ...matrix, milestones: kept.map(({ milestone }) => milestone), rows };
}

/** Per milestone (same order as `matrix.milestones`): how many of the rows' cells are in each state. */
export function matrixCounts(matrix: Matrix): { state: CellState; perMilestone: number[] }[] {
  return CELL_STATES.map((state) => ({
    state,
    perMilestone: matrix.milestones.map(
      (_, i) => matrix.rows.filter((row) => row.cells[i]?.state === state).length,
    ),
  }));
}
