// The report as a sequence of blocks (headings, paragraphs, tables) that both the DOCX and the PDF
// renderer draw, so the two say the same thing. Pure.
import { localDate } from '../../cycle/clock';
import { onTimeChart, outcomesChart, submissionsChart } from '../charts/build';
import type { Chart } from '../charts/svg';
import { CHART_WORDS } from '../charts/words';
import type { ReportLang } from '../labels';
import { formatCivilDate, formatFigure, formatNumber, formatPercent, formatSignedPoints } from './format';
import type { ConsolidatedReport, ListedAgency, RateCounts } from './types';
import {
  agencyName,
  groupLabel,
  milestoneTitle,
  outcomeLabel,
  REPORT_WORDS,
  type ReportWords,
} from './words';

export interface TableRow {
  cells: string[];
  /** A group or total row, drawn bold. */
  bold?: boolean;
}

export type Block =
  | { type: 'heading'; text: string }
  | { type: 'subheading'; text: string }
  | { type: 'paragraph'; text: string; italic?: boolean }
  | {
      type: 'table';
      headers: string[];
      /** Relative column widths. */
      widths: number[];
      /** Columns drawn centred (numbers, short labels). */
      centred: number[];
      rows: TableRow[];
      /** Smaller type (the annex). */
      small?: boolean;
    }
  /** A chart (SVG; the renderers draw it to PNG), its title as the caption under it, `alt` its text alternative. */
  | { type: 'chart'; chart: Chart };

export interface ReportLayout {
  /** Left header: the parent body (the program's issuer) and the lead agency, in capitals; the number. */
  issuerLines: [string, string];
  number: string;
  /** Right header: the national name and motto; place and date. */
  nation: string;
  motto: string;
  placeDate: string;
  title: string;
  subtitle: string;
  body: Block[];
  recipients: { heading: string; lines: string[] };
  /** The signer's title (capitals), the signing note, and the name under the signature when known. */
  signer: { title: string; note: string; name: string | null };
  /** "PHỤ LỤC", the line saying which report it goes with, and the annex's title. */
  annex: { heading: string; of: string; title: string; blocks: Block[] };
}

/** No symbol in the program: the number line keeps Decree 30's form with the symbol to fill in. */
const UNKNOWN_SYMBOL = 'BC-…';

const NBSP = '\u00a0';

/**
 * The header's lines with the proper name (the province or city) held together: a line that has to wrap
 * in its narrow column breaks before "Điện Biên", never inside it.
 */
export function keepNameTogether(line: string, name: string): string {
  if (!name) return line;
  const upperName = name.toLocaleUpperCase('vi');
  const bound = (n: string) => n.split(' ').join(NBSP);
  return line.split(upperName).join(bound(upperName)).split(name).join(bound(name));
}

function upper(text: string): string {
  return text.toLocaleUpperCase('vi');
}

function countCells(c: RateCounts, lang: ReportLang): string[] {
  return [
    formatNumber(c.owed, lang),
    formatNumber(c.onTime, lang),
    formatNumber(c.late, lang),
    formatNumber(c.missing, lang),
    formatNumber(c.waived, lang),
    formatPercent(c.rate, lang),
  ];
}

function listTable(
  report: ConsolidatedReport,
  list: readonly ListedAgency[],
  w: ReportWords,
  withDays: boolean,
): Block {
  const lang = report.lang;
  return {
    type: 'table',
    headers: [w.no, w.agency, w.group, withDays ? w.milestones : w.milestone],
    widths: [8, 38, 22, 32],
    centred: [0],
    rows: list.map((a, i) => ({
      cells: [
        String(i + 1),
        agencyName(a, lang),
        groupLabel(a.group, lang),
        a.milestones
          .map((m) => {
            const title = milestoneTitle(report.milestones, m.milestone, lang);
            return m.days === undefined ? title : `${title} (${w.lateDays(m.days)})`;
          })
          .join('; '),
      ],
    })),
  };
}

/** Everything the document shows, in order. */
export function layoutReport(report: ConsolidatedReport): ReportLayout {
  const lang = report.lang;
  const w = REPORT_WORDS[lang];
  const doc = report.document;
  const year = report.cycle.year;
  const body: Block[] = [];

  body.push({ type: 'heading', text: w.s1 });
  if (!report.cycle.final)
    body.push({
      type: 'paragraph',
      italic: true,
      text: w.provisional(formatCivilDate(localDate(report.generatedAt.getTime()))),
    });
  for (const text of report.narrative) body.push({ type: 'paragraph', text });

  body.push({ type: 'heading', text: w.s2 });
  body.push({ type: 'subheading', text: w.s2rates });
  body.push({ type: 'paragraph', italic: true, text: w.rateDefinition });
  const rateRows: TableRow[] = [];
  for (const r of report.rates) {
    const title = milestoneTitle(report.milestones, r.milestone, lang);
    for (const g of r.byGroup)
      rateRows.push({ cells: [title, groupLabel(g.group, lang), ...countCells(g.counts, lang)] });
    rateRows.push({ bold: true, cells: [title, w.allGroups, ...countCells(r.overall, lang)] });
  }
  for (const g of report.totals.byGroup)
    rateRows.push({ cells: [w.all, groupLabel(g.group, lang), ...countCells(g.counts, lang)] });
  rateRows.push({ bold: true, cells: [w.all, w.allGroups, ...countCells(report.totals.overall, lang)] });
  body.push({
    type: 'table',
    headers: [w.milestone, w.group, w.owed, w.onTime, w.late, w.missing, w.waived, w.rate],
    widths: [19, 23, 9, 9, 9, 9, 10, 12],
    centred: [2, 3, 4, 5, 6, 7],
    rows: rateRows,
  });

  // The pictures of the rates: outcomes by group, the on-time rate by group (against the previous year
  // in section 5 when there is one), and per milestone the submissions over time against the due date.
  if (report.totals.byGroup.length > 0) {
    body.push({ type: 'chart', chart: outcomesChart(report.totals.byGroup, lang, 'report-outcomes') });
    if (!report.comparison)
      body.push({
        type: 'chart',
        chart: onTimeChart(
          report.totals.byGroup.map((g) => ({ group: g.group, current: g.counts, previous: null })),
          { current: year, previous: null },
          CHART_WORDS[lang].allMilestones,
          lang,
          'report-on-time',
        ),
      });
  }
  report.progress.forEach((p, i) => {
    if (p.owed === 0) return;
    body.push({
      type: 'chart',
      chart: submissionsChart(
        p,
        milestoneTitle(report.milestones, p.milestone, lang),
        lang,
        `report-progress-${i}`,
      ),
    });
  });

  for (const [heading, list, withDays] of [
    [w.s2late, report.late, true],
    [w.s2missing, report.missing, false],
    [w.s2flagged, report.flagged, false],
  ] as const) {
    body.push({ type: 'subheading', text: heading });
    if (list.length === 0) body.push({ type: 'paragraph', text: w.none });
    else body.push(listTable(report, list, w, withDays));
  }

  body.push({ type: 'heading', text: w.s3 });
  if (report.figures.every((f) => f.submissions === 0)) body.push({ type: 'paragraph', text: w.noFigures });
  report.figures.forEach((block, i) => {
    if (block.submissions === 0) return;
    body.push({
      type: 'subheading',
      text: `${i + 1}. ${milestoneTitle(report.milestones, block.milestone, lang)}`,
    });
    body.push({
      type: 'table',
      headers: [w.no, w.figure, w.unit, w.value, w.reporting],
      widths: [8, 48, 14, 15, 15],
      centred: [0, 2, 3, 4],
      rows: block.figures.map((f, j) => ({
        cells: [
          String(j + 1),
          f.aggregate === 'mean' ? `${f.label[lang]} (${w.mean})` : f.label[lang],
          f.unit?.[lang] ?? '',
          f.value === null ? w.noData : formatFigure(f.value, lang, f.aggregate === 'mean' ? 1 : 2),
          formatNumber(f.agencies, lang),
        ],
      })),
    });
  });

  body.push({ type: 'heading', text: w.s4 });
  const inspections = report.inspections;
  if (inspections.findings.length === 0) body.push({ type: 'paragraph', text: w.noInspections });
  else {
    const r = inspections.recommendations;
    body.push({ type: 'paragraph', text: w.rec(r.total, r.closed, r.open, r.overdue) });
    body.push({
      type: 'table',
      headers: [
        w.no,
        w.inspected,
        w.kind,
        w.visitOn,
        w.inspectionStatus,
        w.recTotal,
        w.recClosed,
        w.recOpen,
        w.recOverdue,
      ],
      widths: [5, 27, 10, 14, 13, 8, 9, 7, 7],
      centred: [0, 2, 3, 4, 5, 6, 7, 8],
      rows: [
        ...inspections.findings.map((f, i) => ({
          cells: [
            String(i + 1),
            agencyName(f.agency, lang),
            w.kinds[f.kind],
            formatCivilDate(f.visitOn),
            w.inspectionStatuses[f.status] ?? f.status,
            formatNumber(f.recommendations.total, lang),
            formatNumber(f.recommendations.closed, lang),
            formatNumber(f.recommendations.open, lang),
            formatNumber(f.recommendations.overdue, lang),
          ],
        })),
        {
          bold: true,
          cells: [
            '',
            w.allGroups,
            '',
            '',
            '',
            formatNumber(r.total, lang),
            formatNumber(r.closed, lang),
            formatNumber(r.open, lang),
            formatNumber(r.overdue, lang),
          ],
        },
      ],
    });
  }

  const comparison = report.comparison;
  if (comparison) {
    const py = comparison.previousYear;
    body.push({ type: 'heading', text: w.s5(py) });
    const row = (title: string, c: (typeof comparison.milestones)[number], bold = false): TableRow => ({
      bold,
      cells: [
        title,
        formatPercent(c.previous.rate, lang),
        formatPercent(c.current.rate, lang),
        formatSignedPoints(c.ratePoints, lang),
        formatNumber(c.previous.late, lang),
        formatNumber(c.current.late, lang),
        formatNumber(c.previous.missing, lang),
        formatNumber(c.current.missing, lang),
      ],
    });
    body.push({
      type: 'table',
      headers: [
        w.milestone,
        `${w.rate} ${py}`,
        `${w.rate} ${year}`,
        w.points,
        `${w.late} ${py}`,
        `${w.late} ${year}`,
        `${w.missing} ${py}`,
        `${w.missing} ${year}`,
      ],
      widths: [24, 11, 11, 12, 10, 10, 11, 11],
      centred: [1, 2, 3, 4, 5, 6, 7],
      rows: [
        ...comparison.milestones.map((c) => row(milestoneTitle(report.milestones, c.milestone, lang), c)),
        row(w.all, comparison.overall, true),
      ],
    });
    if (comparison.byGroup.length > 0)
      body.push({
        type: 'chart',
        chart: onTimeChart(
          comparison.byGroup,
          { current: year, previous: py },
          CHART_WORDS[lang].allMilestones,
          lang,
          'report-on-time',
        ),
      });
  }

  const annexRows: TableRow[] = [];
  let index = 0;
  for (const group of report.groups) {
    annexRows.push({ bold: true, cells: ['', groupLabel(group, lang), ...report.milestones.map(() => '')] });
    for (const row of report.compliance.filter((r) => r.group === group)) {
      index++;
      annexRows.push({
        cells: [String(index), agencyName(row, lang), ...row.outcomes.map((o) => outcomeLabel(o, lang))],
      });
    }
  }
  const milestoneWidth = report.milestones.length > 0 ? 60 / report.milestones.length : 0;
  const symbol = doc.symbol ?? UNKNOWN_SYMBOL;
  const leadName = lang === 'en' && doc.lead.nameEn ? doc.lead.nameEn : doc.lead.name;
  return {
    issuerLines: [
      keepNameTogether(upper(doc.issuer[lang]), doc.place),
      keepNameTogether(upper(leadName), doc.place),
    ],
    number: w.number(symbol),
    nation: w.nation,
    motto: w.motto,
    placeDate: w.placeDate(doc.place),
    title: w.title,
    subtitle: w.subtitle(doc.number, formatCivilDate(doc.date), doc.issuer[lang], year),
    body,
    recipients: { heading: w.recipients, lines: [...w.recipientLines(doc.issuer[lang])] },
    signer: {
      title: upper(doc.signer?.title[lang] ?? w.signer),
      note: w.signNote,
      name: doc.signer?.name ?? null,
    },
    annex: {
      heading: w.annex,
      of: w.annexOf(symbol, leadName),
      title: w.annexTitle(year),
      blocks: [
        {
          type: 'table',
          headers: [w.no, w.agency, ...report.milestones.map((m) => m.title[lang])],
          widths: [8, 32, ...report.milestones.map(() => milestoneWidth)],
          centred: [0, ...report.milestones.map((_, i) => i + 2)],
          rows: annexRows,
          small: true,
        },
      ],
    },
  };
}
