// The matrix page's pictures of progress for one milestone (chosen with `bieu-do`, the first by default):
// submissions over time against the due date, the states by agency group, and the on-time rate by group
// against the previous year's cycle of the program. Each comes with its numbers as a table; the drawing is
// src/reports/charts, from the same matrix the page shows (its group and search filter applied).
import type { CyclePlan } from '../../cycle/plan';
import type { Database } from '../../db/client';
import { onTimeChart, statesChart, submissionsChart } from '../../reports/charts/build';
import { cyclePlanOf, groupRates, milestoneProgress } from '../../reports/charts/progress';
import type { ChartTable } from '../../reports/charts/svg';
import { CHART_WORDS } from '../../reports/charts/words';
import { filterMatrix, loadMatrix, type Matrix } from '../../reports/matrix';
import { cachedProgramVersion } from '../read-cache';
import type { Lang } from '../i18n';

/** The cycles' plans by program version and year (a stored version never changes; the holiday files are
 * read once per process, as the workflows' calendar is computed once per cycle). */
const plans = new Map<string, CyclePlan>();

/** The drawings' width on the page: narrow enough that the text stays readable scaled to a phone. */
const PAGE_WIDTH = 420;

export interface MatrixChart {
  kind: 'submissions' | 'states' | 'on-time';
  title: string;
  svg: string;
  alt: string;
  /** The caption of the table of its numbers. */
  caption: string;
  table: ChartTable;
}

export interface MatrixCharts {
  milestone: { key: string; title: string };
  /** The milestones one can draw, with the link that draws each (the page's filters kept). */
  choices: { key: string; title: string; url: string; current: boolean }[];
  items: MatrixChart[];
}

/**
 * The charts of `matrix` (already filtered by group and search) for the milestone `chosen` (else the
 * first). `urlOf` makes the link of another milestone's charts. Undefined when there is no milestone.
 */
export async function loadMatrixCharts(
  db: Database,
  matrix: Matrix,
  filters: { group?: string; q?: string },
  chosen: string | undefined,
  lang: Lang,
  urlOf: (key: string) => string,
): Promise<MatrixCharts | undefined> {
  const found = matrix.milestones.findIndex((m) => m.key === chosen);
  const index = found >= 0 ? found : 0;
  const milestone = matrix.milestones[index];
  if (!milestone) return undefined;
  const cycle = await db.prisma.cycle.findUniqueOrThrow({
    where: { id: matrix.cycle.id },
    select: { programId: true, programVersionId: true },
  });
  const { definition } = await cachedProgramVersion(db, cycle.programVersionId);
  const key = `${cycle.programVersionId}:${matrix.cycle.year}`;
  // A year the holiday files do not cover yet is not remembered: its file may be added later.
  const cyclePlan = plans.get(key) ?? cyclePlanOf(definition, matrix.cycle.year);
  if (cyclePlan) plans.set(key, cyclePlan);
  const plan = cyclePlan?.milestones.find((p) => p.key === milestone.key);
  const title = milestone.title[lang];

  // The previous year's cycle of the program, the same milestone, the same filter.
  const previousCycle = await db.prisma.cycle.findUnique({
    where: { programId_year: { programId: cycle.programId, year: matrix.cycle.year - 1 } },
    select: { id: true },
  });
  const previousFull = previousCycle ? await loadMatrix(db, previousCycle.id) : undefined;
  const previous = previousFull
    ? filterMatrix(previousFull, { ...filters, milestone: milestone.key })
    : undefined;
  const current = groupRates(matrix, index);
  const before = previous && previous.milestones.length > 0 ? groupRates(previous, 0) : undefined;

  const w = CHART_WORDS[lang];
  const charts = [
    {
      kind: 'submissions' as const,
      chart: submissionsChart(
        milestoneProgress(matrix, index, plan),
        title,
        lang,
        'chart-submissions',
        PAGE_WIDTH,
      ),
    },
    { kind: 'states' as const, chart: statesChart(matrix, index, lang, 'chart-states', PAGE_WIDTH) },
    {
      kind: 'on-time' as const,
      chart: onTimeChart(
        [...current].map(([group, counts]) => ({
          group,
          current: counts,
          previous: before?.get(group) ?? null,
        })),
        { current: matrix.cycle.year, previous: previousCycle ? matrix.cycle.year - 1 : null },
        title,
        lang,
        'chart-on-time',
        PAGE_WIDTH,
      ),
    },
  ];
  return {
    milestone: { key: milestone.key, title },
    choices: matrix.milestones.map((m, i) => ({
      key: m.key,
      title: m.title[lang],
      url: urlOf(m.key),
      current: i === index,
    })),
    items: charts.map(({ kind, chart }) => ({
      kind,
      title: chart.title,
      svg: chart.svg,
      alt: chart.alt,
      caption: w.tableCaption(chart.title),
      table: chart.table,
    })),
  };
}
