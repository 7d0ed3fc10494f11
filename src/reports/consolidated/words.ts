// Words of the consolidated report, Vietnamese and English. Pure.
import { groupLabel, type ReportLang } from '../labels';
import type { Outcome, ReportAgency, ReportMilestone } from './types';

/** A compliance table cell: "Đúng hạn", "Muộn 3 ngày", "Chưa gửi", "Được miễn", "Đã hủy"; "–" not owed. */
export function outcomeLabel(outcome: Outcome | null, lang: ReportLang): string {
  if (!outcome) return '–';
  const vi = lang === 'vi';
  switch (outcome.kind) {
    case 'on-time':
      return vi ? 'Đúng hạn' : 'On time';
    case 'late':
      return vi ? `Muộn ${outcome.days} ngày` : `Late ${outcome.days} d`;
    case 'missing':
      return vi ? 'Chưa gửi' : 'Missing';
    case 'waived':
      return vi ? 'Được miễn' : 'Waived';
    case 'cancelled':
      return vi ? 'Đã hủy' : 'Cancelled';
  }
}

export function agencyName(agency: Pick<ReportAgency, 'name' | 'nameEn'>, lang: ReportLang): string {
  return lang === 'en' && agency.nameEn ? agency.nameEn : agency.name;
}

export function milestoneTitle(
  milestones: readonly ReportMilestone[],
  key: string,
  lang: ReportLang,
): string {
  return milestones.find((m) => m.key === key)?.title[lang] ?? key;
}

export { groupLabel };

export const REPORT_WORDS = {
  vi: {
    nation: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
    motto: 'Độc lập - Tự do - Hạnh phúc',
    number: (symbol: string) => `Số:      /${symbol}`,
    placeDate: (place: string) => `${place ? place + ', ' : ''}ngày      tháng      năm`,
    title: 'BÁO CÁO',
    subtitle: (doc: string, docDate: string, issuer: string, year: number) =>
      `Kết quả thực hiện Kế hoạch số ${doc} ngày ${docDate} của ${issuer} năm ${year}`,
    provisional: (date: string) => `(Số liệu tạm tính đến ngày ${date}; chu kỳ chưa kết thúc.)`,
    s1: 'I. KHÁI QUÁT KẾT QUẢ',
    s2: 'II. TÌNH HÌNH THỰC HIỆN CHẾ ĐỘ BÁO CÁO CỦA CÁC ĐƠN VỊ',
    s2rates: '1. Tỷ lệ gửi đúng hạn theo nhóm đơn vị',
    s2late: '2. Các đơn vị gửi muộn',
    s2missing: '3. Các đơn vị chưa gửi',
    s2flagged: '4. Các đơn vị bị nêu tên',
    s3: 'III. TỔNG HỢP SỐ LIỆU',
    s4: 'IV. KẾT QUẢ KIỂM TRA VÀ TÌNH HÌNH THỰC HIỆN KIẾN NGHỊ',
    s5: (previous: number) => `V. SO SÁNH VỚI NĂM ${previous}`,
    annex: 'PHỤ LỤC',
    annexOf: (symbol: string, lead: string) =>
      `(Kèm theo Báo cáo số      /${symbol} ngày      tháng      năm      của ${lead})`,
    annexTitle: (year: number) => `Bảng tổng hợp tình hình thực hiện của các đơn vị năm ${year}`,
    rateDefinition:
      'Tỷ lệ đúng hạn = số đơn vị gửi đúng hạn / số đơn vị phải gửi; các trường hợp được miễn (và đã hủy) không tính vào số phải gửi.',
    noInspections: 'Trong năm chưa ghi nhận cuộc kiểm tra nào.',
    none: 'Không có.',
    noFigures: 'Chưa có số liệu.',
    noComparison: 'Không có chu kỳ năm trước để so sánh.',
    recipients: 'Nơi nhận:',
    recipientLines: (issuer: string) => [`- ${issuer} (b/c);`, '- Lãnh đạo Sở;', '- Lưu: VT.'],
    signer: 'GIÁM ĐỐC',
    signNote: '(Ký, ghi rõ họ tên, đóng dấu)',
    no: 'STT',
    agency: 'Tên đơn vị',
    code: 'Mã đơn vị',
    group: 'Nhóm đơn vị',
    milestone: 'Nhiệm vụ',
    milestones: 'Nhiệm vụ, số ngày muộn',
    all: 'Chung các nhiệm vụ',
    allGroups: 'Tất cả các đơn vị',
    owed: 'Phải gửi',
    onTime: 'Đúng hạn',
    late: 'Muộn',
    missing: 'Chưa gửi',
    waived: 'Được miễn',
    rate: 'Tỷ lệ đúng hạn',
    figure: 'Chỉ tiêu',
    unit: 'Đơn vị tính',
    value: 'Số liệu',
    reporting: 'Số đơn vị báo cáo',
    noData: 'Không có số liệu',
    mean: 'bình quân',
    lateDays: (d: number) => `muộn ${d} ngày làm việc`,
    year: (y: number) => `Năm ${y}`,
    points: 'Chênh lệch (điểm %)',
    inspected: 'Đơn vị được kiểm tra',
    conclusion: 'Kết luận',
    recommendations: 'Kiến nghị',
    kind: 'Hình thức',
    kinds: { kiem_tra: 'Kiểm tra', thanh_tra: 'Thanh tra' },
    visitOn: 'Ngày kiểm tra',
    inspectionStatus: 'Trạng thái',
    inspectionStatuses: {
      planned: 'Dự kiến',
      noticed: 'Đã thông báo',
      visited: 'Chờ kết luận',
      concluded: 'Đã kết luận',
      closed: 'Đã hoàn thành',
    } as Record<string, string>,
    recTotal: 'Số kiến nghị',
    recClosed: 'Đã khắc phục',
    recOpen: 'Còn mở',
    recOverdue: 'Quá hạn',
    sheetInspections: 'Kiểm tra, kiến nghị',
    state: 'Tình hình thực hiện',
    rec: (t: number, c: number, o: number, od: number) =>
      `${t} kiến nghị: đã khắc phục ${c}, còn mở ${o} (quá hạn ${od}).`,
    sheetCompliance: 'Tình hình thực hiện',
    sheetRates: 'Tỷ lệ đúng hạn',
    sheetLists: 'Muộn, chưa gửi',
    sheetComparison: 'So sánh năm trước',
    fileStem: 'bao-cao-tong-hop',
  },
  en: {
    nation: 'SOCIALIST REPUBLIC OF VIETNAM',
    motto: 'Independence - Freedom - Happiness',
    number: (symbol: string) => `No.:      /${symbol}`,
    placeDate: (place: string) => `${place ? place + ', ' : ''}day      month      year`,
    title: 'REPORT',
    subtitle: (doc: string, docDate: string, issuer: string, year: number) =>
      `Implementation of Plan No. ${doc} of ${docDate} of the ${issuer} in ${year}`,
    provisional: (date: string) => `(Provisional figures as of ${date}; the cycle has not ended.)`,
    s1: 'I. SUMMARY',
    s2: 'II. REPORTING BY THE AGENCIES',
    s2rates: '1. On-time rates by agency group',
    s2late: '2. Agencies that reported late',
    s2missing: '3. Agencies that did not report',
    s2flagged: '4. Agencies named in this report',
    s3: 'III. FIGURES',
    s4: 'IV. INSPECTIONS AND RECOMMENDATIONS',
    s5: (previous: number) => `V. COMPARISON WITH ${previous}`,
    annex: 'ANNEX',
    annexOf: (symbol: string, lead: string) =>
      `(Attached to Report No.      /${symbol} of the ${lead}, dated …)`,
    annexTitle: (year: number) => `Compliance of the agencies in ${year}`,
    rateDefinition:
      'On-time rate = agencies that reported on time / agencies that owed the report; waived (and cancelled) obligations are not counted as owed.',
    noInspections: 'No inspections recorded this cycle.',
    none: 'None.',
    noFigures: 'No figures yet.',
    noComparison: 'No previous cycle to compare with.',
    recipients: 'Recipients:',
    recipientLines: (issuer: string) => [
      `- ${issuer} (for reporting);`,
      '- Department leadership;',
      '- Archive.',
    ],
    signer: 'DIRECTOR',
    signNote: '(Signature, full name, seal)',
    no: 'No.',
    agency: 'Agency',
    code: 'Code',
    group: 'Group',
    milestone: 'Task',
    milestones: 'Tasks, working days late',
    all: 'All tasks',
    allGroups: 'All agencies',
    owed: 'Owed',
    onTime: 'On time',
    late: 'Late',
    missing: 'Missing',
    waived: 'Waived',
    rate: 'On-time rate',
    figure: 'Indicator',
    unit: 'Unit',
    value: 'Value',
    reporting: 'Agencies reporting',
    noData: 'No data',
    mean: 'average',
    lateDays: (d: number) => `${d} working day${d === 1 ? '' : 's'} late`,
    year: (y: number) => `${y}`,
    points: 'Change (points)',
    inspected: 'Agency inspected',
    conclusion: 'Conclusion',
    recommendations: 'Recommendations',
    kind: 'Type',
    kinds: { kiem_tra: 'Check', thanh_tra: 'Inspection' },
    visitOn: 'Visit date',
    inspectionStatus: 'Status',
    inspectionStatuses: {
      planned: 'Planned',
      noticed: 'Notified',
      visited: 'Awaiting conclusion',
      concluded: 'Concluded',
      closed: 'Closed',
    } as Record<string, string>,
    recTotal: 'Recommendations',
    recClosed: 'Closed',
    recOpen: 'Open',
    recOverdue: 'Overdue',
    sheetInspections: 'Inspections',
    state: 'Progress',
    rec: (t: number, c: number, o: number, od: number) =>
      `${t} recommendations: ${c} remedied, ${o} open (${od} overdue).`,
    sheetCompliance: 'Compliance',
    sheetRates: 'On-time rates',
    sheetLists: 'Late and missing',
    sheetComparison: 'Previous year',
    fileStem: 'consolidated-report',
  },
} as const;

export type ReportWords = (typeof REPORT_WORDS)[ReportLang];
