import { rateCounts } from '../../../src/reports/consolidated/build';
import { layoutReport } from '../../../src/reports/consolidated/layout';
import { writeNarrative } from '../../../src/reports/consolidated/narrative';
import type { ConsolidatedReport, ListedAgency, Outcome } from '../../../src/reports/consolidated/types';

const MILESTONE = {
  key: 'annual-plan',
  kind: 'plan',
  title: { vi: 'Kế hoạch triển khai', en: 'Annual implementation plan' },
};

/** A report of one milestone for `outcomes` (one agency each, all communes), no previous year. */
function reportOf(outcomes: Outcome[]): ConsolidatedReport {
  const compliance = outcomes.map((o, i) => ({
    code: `UBND-X-${i + 1}`,
    name: `Ủy ban nhân dân xã Số ${i + 1}`,
    nameEn: null,
    group: 'commune_committee',
    outcomes: [o],
    flaggedOn: [],
  }));
  const listed = (kind: string): ListedAgency[] =>
    compliance
      .filter((r) => r.outcomes[0]!.kind === kind)
      .map((r) => ({
        ...r,
        milestones: [{ milestone: 'annual-plan', ...(kind === 'late' ? { days: 2 } : {}) }],
      }));
  const counts = rateCounts(outcomes);
  const report: ConsolidatedReport = {
    lang: 'vi',
    cycle: {
      id: 1,
      program: 'dien-bien-kh99',
      programTitle: { vi: 'KH', en: 'Plan' },
      year: 2028,
      status: 'running',
      final: false,
    },
    document: {
      number: '99/KH-UBND',
      date: '2022-01-12',
      issuer: { vi: 'Ủy ban nhân dân tỉnh Điện Biên', en: "People's Committee of Điện Biên province" },
      implements: null,
      lead: { code: 'SO-VHTTDL', name: 'Sở Văn hóa, Thể thao và Du lịch', nameEn: null },
      place: 'Điện Biên',
      symbol: null,
      signer: null,
    },
    milestones: [MILESTONE],
    groups: ['commune_committee'],
    compliance,
    rates: [{ milestone: 'annual-plan', overall: counts, byGroup: [{ group: 'commune_committee', counts }] }],
    totals: { overall: counts, byGroup: [{ group: 'commune_committee', counts }] },
    late: listed('late'),
    missing: listed('missing'),
    flagged: [],
    figures: [],
    inspections: { findings: [], agencies: 0, recommendations: { total: 0, closed: 0, open: 0, overdue: 0 } },
    comparison: null,
    progress: [],
    narrative: [],
    generatedAt: new Date('2028-03-01T03:00:00Z'),
  };
  report.narrative = writeNarrative(report, 'vi');
  return report;
}

describe('the narrative', () => {
  it('says when everyone was on time, with no comparison and no request to the issuer', () => {
    const report = reportOf([{ kind: 'on-time' }, { kind: 'on-time' }]);
    expect(report.narrative[1]).toBe(
      'Năm 2028, 2/2 đơn vị (100,0%) gửi Kế hoạch triển khai đúng hạn; tất cả các đơn vị phải gửi đều gửi đúng hạn.',
    );
    const text = report.narrative.join('\n');
    expect(text).not.toContain('So với năm');
    expect(text).not.toContain('đề nghị');
    expect(text).toContain('Trong năm chưa ghi nhận cuộc kiểm tra nào.');
  });

  it('says when nobody owed a milestone', () => {
    const report = reportOf([{ kind: 'waived' }]);
    expect(report.narrative[1]).toBe(
      'Đối với Kế hoạch triển khai, năm 2028 không có đơn vị nào phải gửi (1 trường hợp được miễn hoặc đã hủy).',
    );
  });

  it('counts instead of naming past twelve agencies', () => {
    const report = reportOf([
      ...Array.from({ length: 13 }, (): Outcome => ({ kind: 'missing' })),
      { kind: 'on-time' },
    ]);
    const text = report.narrative.join('\n');
    expect(text).toContain('Các đơn vị chưa gửi: 13 đơn vị (danh sách tại Mục II.3).');
    expect(text).toContain(
      'Năm 2028, 1/14 đơn vị (7,1%) gửi Kế hoạch triển khai đúng hạn; 13 đơn vị chưa gửi.',
    );
    expect(text).toContain('đề nghị Ủy ban nhân dân tỉnh Điện Biên chỉ đạo');
  });

  it('marks a report of an unfinished cycle as provisional and has no comparison section', () => {
    const layout = layoutReport(reportOf([{ kind: 'late', days: 2 }]));
    expect(layout.body[1]).toEqual({
      type: 'paragraph',
      italic: true,
      text: '(Số liệu tạm tính đến ngày 01/03/2028; chu kỳ chưa kết thúc.)',
    });
    expect(layout.body.some((b) => b.type === 'heading' && b.text.startsWith('V.'))).toBe(false);
    expect(layout.placeDate).toBe('Điện Biên, ngày      tháng      năm');
  });

  it('sums up the inspections in one sentence, leaving out the overdue clause when none is overdue', () => {
    const report = reportOf([{ kind: 'on-time' }]);
    const agency = { code: 'A', name: 'Sở A', nameEn: 'Department A', group: 'department' };
    report.inspections = {
      findings: [
        {
          agency,
          kind: 'thanh_tra',
          visitOn: '2027-09-15',
          status: 'concluded',
          conclusion: null,
          recommendations: { total: 1, closed: 1, open: 0, overdue: 0 },
        },
      ],
      agencies: 1,
      recommendations: { total: 1, closed: 1, open: 0, overdue: 0 },
    };
    expect(writeNarrative(report, 'vi')).toContain(
      `Năm ${report.cycle.year} đã kiểm tra 1 đơn vị, ban hành 1 kiến nghị; 1 kiến nghị đã khắc phục, 0 kiến nghị còn mở.`,
    );
    expect(writeNarrative(report, 'en')).toContain(
      `In ${report.cycle.year}, 1 agency was inspected and 1 recommendation issued; 1 remedied, 0 still open.`,
    );
  });
});
