// The progress charts' pure functions: bars and points placed from the numbers, the text alternative in
// the SVG, names escaped, and the SVG well-formed enough for resvg to draw (the PNG the reports embed).
import { submissionsChart, statesChart, onTimeChart } from '../../../src/reports/charts/build';
import { cumulativeChart } from '../../../src/reports/charts/cumulative';
import { svgToPng } from '../../../src/reports/charts/png';
import { groupRates, milestoneProgress } from '../../../src/reports/charts/progress';
import { rateComparisonChart } from '../../../src/reports/charts/rate-comparison';
import { stackedBarsChart } from '../../../src/reports/charts/stacked-bars';
import { escapeXml } from '../../../src/reports/charts/svg';
import { rateCounts } from '../../../src/reports/consolidated/outcomes';
import type { Matrix, MatrixCell } from '../../../src/reports/matrix';
import { acceptedSplit } from '../../../src/web/dashboard/matrix';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

/** The attributes of every element `tag` that has attribute `marker`. */
function elements(svg: string, tag: string, marker: string): Record<string, string>[] {
  return [...svg.matchAll(new RegExp(`<${tag} ([^>]*${marker}[^>]*)/>`, 'g'))].map((m) =>
    Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])),
  );
}

const WORDS = { category: 'Nhóm', total: 'Tổng', none: 'không có' };

describe('stackedBarsChart', () => {
  const chart = stackedBarsChart({
    id: 's',
    title: 'Trạng thái',
    series: [
      { key: 'accepted', label: 'Đã chấp nhận', colour: '#66bb6a' },
      { key: 'overdue', label: 'Quá hạn', colour: '#ffb74d' },
      { key: 'waived', label: 'Được miễn', colour: '#b0bec5' },
    ],
    bars: [
      { label: 'Sở, ban, ngành', values: [3, 1, 0] },
      { label: 'UBND cấp xã', values: [2, 0, 0] },
    ],
    words: WORDS,
  });

  it('places each segment in proportion to its count, all bars on the largest total’s scale', () => {
    // The plot is 640 - 12 - 56 = 572 wide; the largest total is 4.
    const rects = elements(chart.svg, 'rect', 'data-series');
    expect(rects.map((r) => [r['data-bar'], r['data-series'], r['data-value'], r.x, r.width])).toEqual([
      ['0', 'accepted', '3', '12', '429'],
      ['0', 'overdue', '1', '441', '143'],
      ['1', 'accepted', '2', '12', '286'],
    ]);
  });

  it('says what it shows in its title and description, and gives its numbers as a table', () => {
    const alt =
      'Trạng thái. Sở, ban, ngành: Đã chấp nhận 3, Quá hạn 1 (Tổng 4); UBND cấp xã: Đã chấp nhận 2 (Tổng 2).';
    expect(chart.alt).toBe(alt);
    expect(chart.svg).toContain('role="img" aria-labelledby="s-t s-d"');
    expect(chart.svg).toContain('<title id="s-t">Trạng thái</title>');
    expect(chart.svg).toContain(`<desc id="s-d">${alt}</desc>`);
    // A series that occurs nowhere (waived) is no column of zeros.
    expect(chart.table).toEqual({
      headers: ['Nhóm', 'Đã chấp nhận', 'Quá hạn', 'Tổng'],
      rows: [
        ['Sở, ban, ngành', '3', '1', '4'],
        ['UBND cấp xã', '2', '0', '2'],
      ],
    });
  });

  it('escapes an agency group’s name in the labels and the text alternative', () => {
    const name = 'Nhóm <b>"A" & \'B\'</b>';
    const escaped = stackedBarsChart({
      id: 'x"><script>',
      title: name,
      series: [{ key: 'k"', label: name, colour: '#000"' }],
      bars: [{ label: name, values: [1] }],
      words: WORDS,
    });
    expect(escaped.svg).not.toContain('<b>');
    expect(escaped.svg).not.toContain('<script>');
    expect(escaped.svg).toContain(escapeXml(name));
    expect(escapeXml(name)).toBe('Nhóm &lt;b&gt;&quot;A&quot; &amp; &#39;B&#39;&lt;/b&gt;');
    // Well-formed: resvg parses and draws it.
    expect(svgToPng(escaped.svg).subarray(0, 4)).toEqual(PNG_SIGNATURE);
  });
});

describe('cumulativeChart', () => {
  const chart = cumulativeChart({
    id: 'c',
    title: 'Tiến độ',
    owed: 4,
    from: '2027-01-01',
    to: '2027-01-11',
    points: [
      { on: '2027-01-06', count: 2 },
      { on: '2027-01-11', count: 3 },
    ],
    marks: [
      { on: '2027-01-06', label: 'Hạn gửi', short: 'Hạn', kind: 'due' },
      { on: '2027-01-08', label: 'Đôn đốc lần 1', short: '1', kind: 'step' },
    ],
    words: {
      day: 'Ngày',
      submitted: 'Đã gửi',
      ofOwed: (n, owed) => `${n}/${owed}`,
      summary: (n, owed, byDue, due) => `${n}/${owed}, ${byDue} đúng hạn ${due}`,
      formatDate: (iso) => iso.split('-').reverse().join('/'),
    },
  });

  it('places a point per day at its cumulative count, the due date and the steps as lines', () => {
    // x: 44 + (day / 10) × 580; y: 34 + 214 - count / 4 × 214.
    expect(elements(chart.svg, 'circle', 'data-count').map((c) => [c.cx, c.cy, c['data-count']])).toEqual([
      ['334', '141', '2'],
      ['624', '87.5', '3'],
    ]);
    expect(
      elements(chart.svg, 'line', 'data-mark').map((l) => [l['data-mark'], l.x1, l['stroke-dasharray']]),
    ).toEqual([
      ['due', '334', undefined],
      ['step', '450', '5 4'],
    ]);
  });

  it('has a text alternative and the numbers as a table', () => {
    expect(chart.alt).toBe('Tiến độ. 3/4, 2 đúng hạn 06/01/2027; Đôn đốc lần 1 08/01/2027');
    expect(chart.svg).toContain(
      '<desc id="c-d">Tiến độ. 3/4, 2 đúng hạn 06/01/2027; Đôn đốc lần 1 08/01/2027</desc>',
    );
    // The legend under the chart names each mark in full.
    expect(chart.svg).toContain('>1: Đôn đốc lần 1, 08/01/2027</text>');
    expect(chart.table.rows).toEqual([
      ['06/01/2027', '2/4'],
      ['11/01/2027', '3/4'],
    ]);
  });
});

describe('rateComparisonChart', () => {
  const chart = rateComparisonChart({
    id: 'r',
    title: 'Tỷ lệ',
    currentLabel: 'Năm 2027',
    previousLabel: 'Năm 2026',
    bars: [
      { label: 'Sở, ban, ngành', current: 0.5, previous: 0.25 },
      { label: 'UBND cấp xã', current: null, previous: 1 },
    ],
    words: {
      category: 'Nhóm',
      noData: 'Không có số liệu',
      formatRate: (r) => (r === null ? 'Không có số liệu' : `${r * 100}%`),
    },
  });

  it('draws a bar per year and group as long as its rate, and "no data" where nothing was owed', () => {
    // The plot is 640 - 12 - 64 = 564 wide.
    expect(
      elements(chart.svg, 'rect', 'data-rate').map((r) => [r['data-bar'], r['data-which'], r.width]),
    ).toEqual([
      ['0', 'current', '282'],
      ['0', 'previous', '141'],
      ['1', 'previous', '564'],
    ]);
    expect(chart.svg).toContain('>Không có số liệu</text>');
    expect(chart.alt).toBe(
      'Tỷ lệ. Sở, ban, ngành: Năm 2027 50%, Năm 2026 25%; UBND cấp xã: Năm 2027 Không có số liệu, Năm 2026 100%.',
    );
    expect(chart.table.headers).toEqual(['Nhóm', 'Năm 2027', 'Năm 2026']);
  });
});

function cell(state: MatrixCell['state'], submittedOn: string | null, late = 0): MatrixCell {
  return {
    state,
    due: '2027-02-12',
    dueAt: new Date('2027-02-12T16:59:59Z'),
    submittedAt: submittedOn ? new Date(`${submittedOn}T03:00:00Z`) : null,
    lateByWorkingDays: submittedOn ? late : null,
    flagged: false,
  };
}

const MATRIX: Matrix = {
  cycle: { id: 1, program: 'p', programTitle: { vi: 'KH', en: 'Plan' }, year: 2027, status: 'running' },
  milestones: [{ key: 'annual-plan', title: { vi: 'Kế hoạch năm', en: 'Annual plan' } }],
  rows: [
    { code: 'A', name: 'A', nameEn: null, group: 'department', cells: [cell('accepted', '2027-02-01')] },
    { code: 'B', name: 'B', nameEn: null, group: 'department', cells: [cell('accepted', '2027-02-16', 2)] },
    { code: 'C', name: 'C', nameEn: null, group: 'department', cells: [cell('escalated', null)] },
    {
      code: 'D',
      name: 'D',
      nameEn: null,
      group: 'commune_committee',
      cells: [cell('submitted', '2027-02-01')],
    },
    { code: 'E', name: 'E', nameEn: null, group: 'commune_committee', cells: [cell('waived', null)] },
  ],
};

describe('the charts from the matrix', () => {
  it('counts the owing agencies’ submissions per day, cumulatively, against the due date', () => {
    const progress = milestoneProgress(MATRIX, 0, undefined);
    expect(progress).toEqual({
      milestone: 'annual-plan',
      owed: 4,
      requestOn: null,
      due: '2027-02-12',
      steps: [],
      submittedOn: ['2027-02-01', '2027-02-01', '2027-02-16'],
    });
    const chart = submissionsChart(progress, 'Kế hoạch năm', 'vi', 'p');
    expect(chart.table.rows).toEqual([
      ['01/02/2027', '2/4 đơn vị đã gửi'],
      ['16/02/2027', '3/4 đơn vị đã gửi'],
    ]);
    expect(chart.alt).toBe(
      'Tiến độ gửi báo cáo: Kế hoạch năm. 3/4 đơn vị đã gửi; 2 đơn vị gửi trước hoặc đúng hạn 12/02/2027',
    );
    expect(submissionsChart(progress, 'Annual plan', 'en', 'p').title).toBe(
      'Submissions over time: Annual plan',
    );
  });

  it('stacks the states per agency group, with the groups’ names from the catalog', () => {
    const chart = statesChart(MATRIX, 0, 'vi', 's');
    expect(chart.table.rows).toEqual([
      ['Sở, ban, ngành', '1', '0', '2', '0', '3'],
      ['UBND cấp xã', '0', '1', '0', '1', '2'],
    ]);
    expect(chart.table.headers).toEqual([
      'Nhóm đơn vị',
      'Đã đôn đốc',
      'Đã nộp, chờ xem xét',
      'Đã chấp nhận',
      'Được miễn',
      'Tổng',
    ]);
  });

  it('rates each group on time by the report’s rule (waived not owed), against the previous year', () => {
    const rates = groupRates(MATRIX, 0);
    expect([...rates].map(([g, c]) => [g, c.owed, c.onTime, c.late, c.rate])).toEqual([
      ['department', 3, 1, 1, 1 / 3],
      ['commune_committee', 1, 1, 0, 1],
    ]);
    const chart = onTimeChart(
      [...rates].map(([group, current]) => ({
        group,
        current,
        previous: group === 'department' ? rateCounts([{ kind: 'on-time' }, { kind: 'missing' }]) : null,
      })),
      { current: 2027, previous: 2026 },
      'Kế hoạch năm',
      'vi',
      'o',
    );
    expect(chart.table.rows).toEqual([
      ['Sở, ban, ngành', '33,3%', '50,0%'],
      ['UBND cấp xã', '100,0%', 'Không có số liệu'],
    ]);
  });

  it('splits the accepted into on time and late', () => {
    expect(acceptedSplit(MATRIX)).toEqual({ onTime: [1], late: [1] });
  });
});
