// The compliance table, the on-time rates, the late and missing agencies and the comparison with the
// previous year as an XLSX workbook, through the exports' tabular writer (src/reports/tabular.ts).
import { WORDS } from '../labels';
import { tablesToXlsx, type CellValue, type Table } from '../tabular';
import { reportFileName, type RenderedFile } from './files';
import { formatCivilDate } from './format';
import type { ConsolidatedReport, RateCounts } from './types';
import { agencyName, groupLabel, milestoneTitle, outcomeLabel, REPORT_WORDS } from './words';

/** A rate as a percentage with one decimal (86.6), the number a spreadsheet sums and charts. */
function percent(rate: number | null): number | null {
  return rate === null ? null : Math.round(rate * 1000) / 10;
}

function countValues(c: RateCounts): CellValue[] {
  return [c.owed, c.onTime, c.late, c.missing, c.waived, percent(c.rate)];
}

/** The report's tables as worksheets. */
export function consolidatedTables(report: ConsolidatedReport): Table[] {
  const lang = report.lang;
  const w = REPORT_WORDS[lang];
  const base = WORDS[lang];
  const compliance: Table = {
    sheet: w.sheetCompliance,
    columns: [
      { header: base.code, type: 'text', width: 22 },
      { header: base.agency, type: 'text', width: 45 },
      { header: base.group, type: 'text', width: 30 },
      ...report.milestones.map((m) => ({ header: m.title[lang], type: 'text' as const, width: 20 })),
      ...report.milestones.map((m) => ({
        header: `${m.title[lang]} – ${base.lateBy}`,
        type: 'integer' as const,
        width: 18,
      })),
    ],
    rows: report.compliance.map((row) => [
      row.code,
      agencyName(row, lang),
      groupLabel(row.group, lang),
      ...row.outcomes.map((o) => outcomeLabel(o, lang)),
      ...row.outcomes.map((o) => (o?.kind === 'late' ? o.days : null)),
    ]),
  };
  const rateColumns = [
    { header: w.owed, type: 'integer' as const, width: 12 },
    { header: w.onTime, type: 'integer' as const, width: 12 },
    { header: w.late, type: 'integer' as const, width: 10 },
    { header: w.missing, type: 'integer' as const, width: 12 },
    { header: w.waived, type: 'integer' as const, width: 12 },
    { header: `${w.rate} (%)`, type: 'number' as const, width: 18 },
  ];
  const rates: Table = {
    sheet: w.sheetRates,
    columns: [
      { header: w.milestone, type: 'text', width: 32 },
      { header: w.group, type: 'text', width: 36 },
      ...rateColumns,
    ],
    rows: [
      ...report.rates.flatMap((r) => {
        const title = milestoneTitle(report.milestones, r.milestone, lang);
        return [
          ...r.byGroup.map((g) => [title, groupLabel(g.group, lang), ...countValues(g.counts)]),
          [title, w.allGroups, ...countValues(r.overall)],
        ];
      }),
      ...report.totals.byGroup.map((g) => [w.all, groupLabel(g.group, lang), ...countValues(g.counts)]),
      [w.all, w.allGroups, ...countValues(report.totals.overall)],
    ],
  };
  const lists: Table = {
    sheet: w.sheetLists,
    columns: [
      { header: w.state, type: 'text', width: 14 },
      { header: base.code, type: 'text', width: 22 },
      { header: base.agency, type: 'text', width: 45 },
      { header: base.group, type: 'text', width: 30 },
      { header: w.milestone, type: 'text', width: 32 },
      { header: base.lateBy, type: 'integer', width: 18 },
    ],
    rows: (
      [
        [w.late, report.late],
        [w.missing, report.missing],
      ] as const
    ).flatMap(([state, list]) =>
      list.flatMap((a) =>
        a.milestones.map((m): CellValue[] => [
          state,
          a.code,
          agencyName(a, lang),
          groupLabel(a.group, lang),
          milestoneTitle(report.milestones, m.milestone, lang),
          m.days ?? null,
        ]),
      ),
    ),
  };
  const tables = [compliance, rates, lists];
  const inspections = report.inspections;
  if (inspections.findings.length > 0) {
    tables.push({
      sheet: w.sheetInspections,
      columns: [
        { header: base.code, type: 'text', width: 22 },
        { header: base.agency, type: 'text', width: 45 },
        { header: w.kind, type: 'text', width: 14 },
        { header: w.visitOn, type: 'text', width: 14 },
        { header: w.inspectionStatus, type: 'text', width: 16 },
        { header: w.recTotal, type: 'integer', width: 14 },
        { header: w.recClosed, type: 'integer', width: 14 },
        { header: w.recOpen, type: 'integer', width: 12 },
        { header: w.recOverdue, type: 'integer', width: 12 },
      ],
      rows: inspections.findings.map((f) => [
        f.agency.code,
        agencyName(f.agency, lang),
        w.kinds[f.kind],
        formatCivilDate(f.visitOn),
        w.inspectionStatuses[f.status] ?? f.status,
        f.recommendations.total,
        f.recommendations.closed,
        f.recommendations.open,
        f.recommendations.overdue,
      ]),
    });
  }
  const comparison = report.comparison;
  if (comparison) {
    const py = comparison.previousYear;
    const year = report.cycle.year;
    tables.push({
      sheet: w.sheetComparison,
      columns: [
        { header: w.milestone, type: 'text', width: 32 },
        { header: `${w.rate} ${py} (%)`, type: 'number', width: 18 },
        { header: `${w.rate} ${year} (%)`, type: 'number', width: 18 },
        { header: w.points, type: 'number', width: 18 },
        { header: `${w.onTime} ${py}`, type: 'integer', width: 14 },
        { header: `${w.onTime} ${year}`, type: 'integer', width: 14 },
        { header: `${w.late} ${py}`, type: 'integer', width: 12 },
        { header: `${w.late} ${year}`, type: 'integer', width: 12 },
        { header: `${w.missing} ${py}`, type: 'integer', width: 14 },
        { header: `${w.missing} ${year}`, type: 'integer', width: 14 },
      ],
      rows: [...comparison.milestones, comparison.overall].map((c) => [
        c.milestone === '*' ? w.all : milestoneTitle(report.milestones, c.milestone, lang),
        percent(c.previous.rate),
        percent(c.current.rate),
        c.ratePoints,
        c.previous.onTime,
        c.current.onTime,
        c.previous.late,
        c.current.late,
        c.previous.missing,
        c.current.missing,
      ]),
    });
  }
  return tables;
}

/** The report's tables as a .xlsx file. */
export async function renderConsolidatedXlsx(report: ConsolidatedReport): Promise<RenderedFile> {
  return {
    body: await tablesToXlsx(consolidatedTables(report), WORDS[report.lang]),
    fileName: reportFileName(report, 'xlsx'),
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  };
}
