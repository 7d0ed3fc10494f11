// The progress charts in a language, from the read models' data (progress.ts, the matrix, the consolidated
// report): titles, labels and colours chosen here, the drawing done by the pure chart functions.
import { CELL_STATES, groupLabel, stateLabel, type CellState, type ReportLang } from '../labels';
import { formatCivilDate, formatPercent } from '../consolidated/format';
import type { RateCounts } from '../consolidated/types';
import { REPORT_WORDS } from '../consolidated/words';
import type { Matrix } from '../matrix';
import { cumulativeChart } from './cumulative';
import type { MilestoneProgress } from './progress';
import { rateComparisonChart } from './rate-comparison';
import { stackedBarsChart } from './stacked-bars';
import type { Chart } from './svg';
import { CHART_WORDS } from './words';

/** The matrix's cell colours, a shade darker so that a bar stands out on white. */
export const STATE_COLOURS: Record<CellState, string> = {
  pending: '#cfd8dc',
  requested: '#90caf9',
  reminded: '#42a5f5',
  overdue: '#ffb74d',
  escalated: '#e57373',
  submitted: '#fff176',
  returned: '#ce93d8',
  accepted: '#66bb6a',
  waived: '#b0bec5',
  cancelled: '#78909c',
};

const DAY = 86_400_000;

function shiftDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** Submissions over time against the due date, the escalation steps marked. */
export function submissionsChart(
  progress: MilestoneProgress,
  milestoneTitle: string,
  lang: ReportLang,
  id: string,
  width?: number,
): Chart {
  const w = CHART_WORDS[lang];
  const points: { on: string; count: number }[] = [];
  progress.submittedOn.forEach((on, i) => {
    const last = points.at(-1);
    if (last && last.on === on) last.count = i + 1;
    else points.push({ on, count: i + 1 });
  });
  const dates = [
    progress.due,
    ...progress.steps.map((s) => s.on),
    ...progress.submittedOn,
    ...(progress.requestOn ? [progress.requestOn] : []),
  ].sort();
  const from = progress.requestOn ?? shiftDays(dates[0] ?? progress.due, -7);
  const to = shiftDays(dates.at(-1) ?? progress.due, 3);
  return cumulativeChart({
    id,
    width,
    title: w.submissionsTitle(milestoneTitle),
    owed: progress.owed,
    from: from < (dates[0] ?? from) ? from : (dates[0] ?? from),
    to,
    points,
    marks: [
      { on: progress.due, label: w.dueLong, short: w.due, kind: 'due' as const },
      ...progress.steps.map((s, i) => ({
        on: s.on,
        label: w.step(i + 1, s.afterWorkingDays),
        short: String(i + 1),
        kind: 'step' as const,
      })),
    ],
    words: {
      day: w.day,
      submitted: w.submitted,
      ofOwed: w.ofOwed,
      summary: w.summary,
      formatDate: formatCivilDate,
    },
  });
}

/** The cells' states of one milestone, one stacked bar per agency group. */
export function statesChart(
  matrix: Matrix,
  index: number,
  lang: ReportLang,
  id: string,
  width?: number,
): Chart {
  const w = CHART_WORDS[lang];
  const groups = [...new Set(matrix.rows.filter((r) => r.cells[index]).map((r) => r.group))];
  return stackedBarsChart({
    id,
    width,
    title: w.statesTitle(matrix.milestones[index]?.title[lang] ?? ''),
    series: CELL_STATES.map((s) => ({ key: s, label: stateLabel(s, lang), colour: STATE_COLOURS[s] })),
    bars: groups.map((group) => ({
      label: groupLabel(group, lang),
      values: CELL_STATES.map(
        (s) => matrix.rows.filter((r) => r.group === group && r.cells[index]?.state === s).length,
      ),
    })),
    words: { category: w.group, total: w.total, none: w.none },
  });
}

/** The outcomes (on time, late, missing, waived) per agency group, every milestone together. */
export function outcomesChart(
  byGroup: readonly { group: string; counts: RateCounts }[],
  lang: ReportLang,
  id: string,
): Chart {
  const w = CHART_WORDS[lang];
  const r = REPORT_WORDS[lang];
  return stackedBarsChart({
    id,
    title: w.outcomesTitle,
    series: [
      { key: 'on-time', label: r.onTime, colour: '#66bb6a' },
      { key: 'late', label: r.late, colour: '#ffb74d' },
      { key: 'missing', label: r.missing, colour: '#e57373' },
      { key: 'waived', label: r.waived, colour: '#b0bec5' },
    ],
    bars: byGroup.map((g) => ({
      label: groupLabel(g.group, lang),
      values: [g.counts.onTime, g.counts.late, g.counts.missing, g.counts.waived],
    })),
    words: { category: w.group, total: w.total, none: w.none },
  });
}

/** The on-time rate per agency group this year against the previous year (when there was one). */
export function onTimeChart(
  groups: readonly { group: string; current: RateCounts; previous: RateCounts | null }[],
  years: { current: number; previous: number | null },
  what: string,
  lang: ReportLang,
  id: string,
  width?: number,
): Chart {
  const w = CHART_WORDS[lang];
  return rateComparisonChart({
    id,
    width,
    title: w.onTimeTitle(what),
    currentLabel: w.year(years.current),
    previousLabel: years.previous === null ? null : w.year(years.previous),
    bars: groups.map((g) => ({
      label: groupLabel(g.group, lang),
      current: g.current.rate,
      previous: g.previous?.rate ?? null,
    })),
    words: {
      category: w.group,
      noData: w.noData,
      formatRate: (rate) => (rate === null ? w.noData : formatPercent(rate, lang)),
    },
  });
}
