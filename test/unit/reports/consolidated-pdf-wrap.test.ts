// The PDF's tables wrap their cells between words: every line read back out of the PDF is made of whole
// words of the report (or a part of a hyphenated word ending at its hyphen), in Vietnamese and English.
import { rateCounts } from '../../../src/reports/consolidated/build';
import { layoutReport, type Block, type ReportLayout } from '../../../src/reports/consolidated/layout';
import { writeNarrative } from '../../../src/reports/consolidated/narrative';
import { renderConsolidatedPdf } from '../../../src/reports/consolidated/pdf';
import type {
  ComparisonRow,
  ConsolidatedReport,
  ListedAgency,
  Outcome,
  RateCounts,
} from '../../../src/reports/consolidated/types';
import type { ReportLang } from '../../../src/reports/labels';
import { fitColumns } from '../../../src/reports/consolidated/columns';
import { pdfText } from '../../fixtures/reports/pdf-text';

// The milestones of Plan 99 (programs/dien-bien-kh99.yaml).
const MILESTONES = [
  {
    key: 'annual-plan',
    kind: 'plan',
    title: { vi: 'Kế hoạch triển khai', en: 'Annual implementation plan' },
  },
  { key: 'report-6m', kind: 'report', title: { vi: 'Báo cáo 6 tháng', en: '6-month report' } },
  {
    key: 'report-annual',
    kind: 'report',
    title: { vi: 'Báo cáo kết quả thực hiện', en: 'Annual report' },
  },
  {
    key: 'consolidation',
    kind: 'consolidation',
    title: { vi: 'Báo cáo tổng hợp kết quả thực hiện', en: 'Consolidated annual report' },
  },
];

const OUTCOMES: Outcome[] = [
  { kind: 'on-time' },
  { kind: 'late', days: 12 },
  { kind: 'missing' },
  { kind: 'waived' },
];

function comparison(current: RateCounts, previous: RateCounts, milestone: string): ComparisonRow {
  return {
    milestone,
    current,
    previous,
    ratePoints: current.rate !== null && previous.rate !== null ? (current.rate - previous.rate) * 100 : null,
    onTimeDelta: current.onTime - previous.onTime,
    lateDelta: current.late - previous.late,
    missingDelta: current.missing - previous.missing,
  };
}

/** Four agencies × four milestones (every outcome in every column), a previous year, figures, an inspection. */
function reportIn(lang: ReportLang): ConsolidatedReport {
  const groups = ['department', 'commune_committee'];
  const compliance = OUTCOMES.map((_, i) => ({
    code: `A-${i + 1}`,
    name: `Ủy ban nhân dân xã Mường Phăng Số ${i + 1}`,
    nameEn: `People's Committee of Mường Phăng commune No. ${i + 1}`,
    group: groups[i % 2]!,
    outcomes: MILESTONES.map((_, m) => OUTCOMES[(i + m) % OUTCOMES.length]!),
    flaggedOn: i === 2 ? ['annual-plan'] : [],
  }));
  const listed = (kind: Outcome['kind']): ListedAgency[] =>
    compliance
      .filter((r) => r.outcomes.some((o) => o!.kind === kind))
      .map((r) => ({
        ...r,
        milestones: MILESTONES.flatMap((m, j) => {
          const o = r.outcomes[j]!;
          if (o.kind !== kind) return [];
          return [{ milestone: m.key, ...(o.kind === 'late' ? { days: o.days } : {}) }];
        }),
      }));
  const countsOf = (rows: typeof compliance, j?: number) =>
    rateCounts(rows.flatMap((r) => (j === undefined ? r.outcomes : [r.outcomes[j]!])) as Outcome[]);
  const rates = MILESTONES.map((m, j) => ({
    milestone: m.key,
    overall: countsOf(compliance, j),
    byGroup: groups.map((group) => ({
      group,
      counts: countsOf(
        compliance.filter((r) => r.group === group),
        j,
      ),
    })),
  }));
  const previous = rateCounts([{ kind: 'on-time' }, { kind: 'missing' }, { kind: 'late', days: 1 }]);
  const report: ConsolidatedReport = {
    lang,
    cycle: {
      id: 2,
      program: 'dien-bien-kh99',
      programTitle: { vi: 'KH', en: 'Plan' },
      year: 2027,
      status: 'completed',
      final: true,
    },
    document: {
      number: '99/KH-UBND',
      date: '2022-01-12',
      issuer: { vi: 'Ủy ban nhân dân tỉnh Điện Biên', en: "People's Committee of Điện Biên province" },
      implements: null,
      lead: {
        code: 'SO-VHTTDL',
        name: 'Sở Văn hóa, Thể thao và Du lịch',
        nameEn: 'Department of Culture, Sports and Tourism',
      },
      place: 'Điện Biên',
      symbol: 'BC-SVHTTDL',
      signer: { title: { vi: 'Giám đốc', en: 'Director' }, name: 'Nguyễn Văn Minh' },
    },
    milestones: MILESTONES,
    groups,
    compliance,
    rates,
    totals: {
      overall: countsOf(compliance),
      byGroup: groups.map((group) => ({
        group,
        counts: countsOf(compliance.filter((r) => r.group === group)),
      })),
    },
    late: listed('late'),
    missing: listed('missing'),
    flagged: listed('missing').slice(0, 1),
    figures: [
      {
        milestone: 'report-annual',
        submissions: 2,
        figures: [
          {
            key: 'households',
            label: {
              vi: 'Số hộ gia đình được công nhận danh hiệu gia đình văn hóa',
              en: 'Households recognised as cultured families',
            },
            unit: { vi: 'hộ', en: 'households' },
            type: 'integer',
            aggregate: 'sum',
            value: 123456,
            agencies: 2,
          },
          {
            key: 'violence-rate',
            label: { vi: 'Tỷ lệ hộ có bạo lực gia đình', en: 'Share of households with domestic violence' },
            unit: { vi: '%', en: '%' },
            type: 'percent',
            aggregate: 'mean',
            value: 1.25,
            agencies: 2,
          },
        ],
      },
    ],
    inspections: {
      findings: [
        {
          agency: {
            code: 'A-1',
            name: 'Ủy ban nhân dân xã Mường Phăng Số 1',
            nameEn: null,
            group: 'department',
          },
          kind: 'thanh_tra',
          visitOn: '2027-09-15',
          status: 'concluded',
          conclusion: null,
          recommendations: { total: 12, closed: 10, open: 2, overdue: 1 },
        },
      ],
      agencies: 1,
      recommendations: { total: 12, closed: 10, open: 2, overdue: 1 },
    },
    comparison: {
      previousYear: 2026,
      previousCycleId: 1,
      milestones: rates.map((r) => comparison(r.overall, previous, r.milestone)),
      overall: comparison(countsOf(compliance), previous, 'all'),
      byGroup: groups.map((group) => ({
        group,
        current: countsOf(compliance.filter((r) => r.group === group)),
        previous,
      })),
    },
    progress: MILESTONES.map((m) => ({
      milestone: m.key,
      owed: compliance.length,
      requestOn: '2027-01-04',
      due: '2027-02-05',
      steps: [{ step: 'escalate-head', afterWorkingDays: 3, on: '2027-02-10' }],
      submittedOn: ['2027-01-20', '2027-02-09'],
    })),
    narrative: [],
    generatedAt: new Date('2028-01-10T03:00:00Z'),
  };
  report.narrative = writeNarrative(report, lang);
  return report;
}

function layoutStrings(layout: ReportLayout): string[] {
  const ofBlocks = (blocks: readonly Block[]): string[] =>
    blocks.flatMap((b) =>
      b.type === 'table'
        ? [...b.headers, ...b.rows.flatMap((r) => r.cells)]
        : b.type === 'chart'
          ? [b.chart.title]
          : [b.text],
    );
  return [
    ...layout.issuerLines,
    layout.number,
    layout.nation,
    layout.motto,
    layout.placeDate,
    layout.title,
    layout.subtitle,
    ...ofBlocks(layout.body),
    layout.recipients.heading,
    ...layout.recipients.lines,
    layout.signer.title,
    layout.signer.note,
    layout.signer.name ?? '',
    layout.annex.heading,
    layout.annex.of,
    layout.annex.title,
    // The page numbers, from page 2.
    ...Array.from({ length: 98 }, (_, i) => String(i + 2)),
    ...ofBlocks(layout.annex.blocks),
  ];
}

/**
 * What a line of the PDF may read (whitespace removed: the reader drops the spaces of justified lines): a
 * run of consecutive whole words of one string of the report, where a hyphenated word may also be broken
 * after its hyphen.
 */
function linesOf(strings: readonly string[]): Set<string> {
  const runs = new Set<string>();
  for (const s of strings) {
    const units = s
      .normalize('NFC')
      .split(/\s+/)
      .filter(Boolean)
      .flatMap((word) => word.split(/(?<=[-–])/));
    for (let i = 0; i < units.length; i++) {
      let run = '';
      for (let j = i; j < units.length; j++) runs.add((run += units[j]));
    }
  }
  return runs;
}

describe.each<ReportLang>(['vi', 'en'])('the PDF report in %s', (lang) => {
  it('breaks table cells between words, never inside one', async () => {
    const report = reportIn(lang);
    const layout = layoutReport(report);
    const allowed = linesOf(layoutStrings(layout));
    const lines = pdfText((await renderConsolidatedPdf(report)).body).split('\n');
    // The rules under the header lines are drawn as dashes.
    const cut = lines.filter(
      (line) => line.trim() !== '' && !/^—+$/.test(line) && !allowed.has(line.replace(/\s+/g, '')),
    );
    expect(cut).toEqual([]);
    // The headers named in the issue stand whole on their own line.
    const header = lang === 'vi' ? 'Chưa gửi' : 'Missing';
    expect(lines.map((l) => l.trim())).toContain(header);
  });
});

describe('fitColumns', () => {
  it('keeps the relative widths when every column is wide enough', () => {
    expect(fitColumns([1, 3], [10, 10], 100)).toEqual([25, 75]);
  });

  it('gives a narrow column its minimum and shares the rest in proportion', () => {
    expect(fitColumns([10, 45, 45], [30, 0, 0], 100)).toEqual([30, 35, 35]);
  });

  it('widens again the columns that the first widening made too narrow', () => {
    const widths = fitColumns([10, 10, 80], [40, 40, 0], 100)!;
    expect(widths).toEqual([40, 40, 20]);
  });

  it('is null when the minimums do not fit', () => {
    expect(fitColumns([1, 1], [60, 50], 100)).toBeNull();
  });
});
