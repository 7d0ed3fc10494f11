// Words of the inspector's pages (/quan-ly/chu-ky/:cycleId/kiem-tra, /quan-ly/kiem-tra/:id), Vietnamese
// first, and the translation of the inspection workflow's refusals. Pure.
import { formatDate, type Lang } from '../i18n';

export const INSPECTION_ACTIONS = ['conclude', 'close', 'reopen', 'cancel'] as const;
export type InspectionAction = (typeof INSPECTION_ACTIONS)[number];

const KIND: Record<string, Record<Lang, string>> = {
  'kiem-tra': { vi: 'Kiểm tra', en: 'Check' },
  'thanh-tra': { vi: 'Thanh tra', en: 'Formal inspection' },
};

const STATUS: Record<string, Record<Lang, string>> = {
  planned: { vi: 'Đã lên lịch', en: 'Planned' },
  noticed: { vi: 'Đã thông báo', en: 'Notice sent' },
  visited: { vi: 'Đã đến ngày làm việc, chờ kết luận', en: 'Visit day reached, awaiting conclusion' },
  concluded: { vi: 'Đã kết luận, đang theo dõi kiến nghị', en: 'Concluded, recommendations followed' },
  closed: { vi: 'Đã hoàn thành', en: 'Closed' },
  cancelled: { vi: 'Đã hủy', en: 'Cancelled' },
};

const REC_STATUS: Record<string, Record<Lang, string>> = {
  open: { vi: 'Chưa khắc phục', en: 'Open' },
  reported: { vi: 'Đơn vị đã báo cáo, chờ xem xét', en: 'Reported, awaiting review' },
  closed: { vi: 'Đã đóng', en: 'Closed' },
};

const ACTION_LABELS: Record<InspectionAction, Record<Lang, string>> = {
  conclude: { vi: 'Ghi kết luận kiểm tra', en: 'Record the conclusion' },
  close: { vi: 'Đóng kiến nghị', en: 'Close the recommendation' },
  reopen: { vi: 'Mở lại kiến nghị', en: 'Reopen the recommendation' },
  cancel: { vi: 'Hủy cuộc kiểm tra', en: 'Cancel the inspection' },
};

export const inspectionKindLabel = (k: string, lang: Lang) => KIND[k]?.[lang] ?? k;
export const inspectionStatusLabel = (s: string, lang: Lang) => STATUS[s]?.[lang] ?? s;
export const recommendationStatusLabel = (s: string, lang: Lang) => REC_STATUS[s]?.[lang] ?? s;
export const inspectionActionLabel = (a: string, lang: Lang) =>
  ACTION_LABELS[a as InspectionAction]?.[lang] ?? a;

/** A refusal of the inspection workflow (or of the form), in the page's language. */
export function inspectionRefusal(reason: string, lang: Lang): string {
  const known: [RegExp, (m: RegExpExecArray) => Record<Lang, string>][] = [
    [
      /the visit is on (\S+): no conclusion before it/,
      (m) => ({
        vi: `Chỉ ghi được kết luận từ ngày làm việc với đơn vị (${formatDate(m[1]!)}).`,
        en: `The conclusion can be recorded from the visit day (${formatDate(m[1]!)}) on.`,
      }),
    ],
    [
      /the conclusion was already recorded on (\S+)/,
      (m) => ({
        vi: `Kết luận đã được ghi ngày ${formatDate(m[1]!)}.`,
        en: `The conclusion was already recorded on ${formatDate(m[1]!)}.`,
      }),
    ],
    [
      /the inspection is (closed|cancelled)/,
      (m) => ({
        vi: `Cuộc kiểm tra đã ${m[1] === 'closed' ? 'hoàn thành' : 'bị hủy'}: không thể thực hiện thao tác này.`,
        en: `The inspection is ${m[1]}: this action is no longer possible.`,
      }),
    ],
    [
      /recommendation (\d+) is already (closed|reported)/,
      (m) => ({
        vi: `Kiến nghị số ${m[1]} đã ${m[2] === 'closed' ? 'được đóng' : 'được báo cáo'}.`,
        en: `Recommendation ${m[1]} is already ${m[2]}.`,
      }),
    ],
    [
      /recommendation (\d+) is open: nothing to reopen/,
      (m) => ({
        vi: `Kiến nghị số ${m[1]} đang mở: không có gì để mở lại.`,
        en: `Recommendation ${m[1]} is open: nothing to reopen.`,
      }),
    ],
    [
      /no recommendation (\d+)/,
      (m) => ({ vi: `Không có kiến nghị số ${m[1]}.`, en: `There is no recommendation ${m[1]}.` }),
    ],
    [
      /recommendation (\d+) due date: (\S+) is not after today \((\S+)\)/,
      (m) => ({
        vi: `Kiến nghị ${m[1]}: hạn ${formatDate(m[2]!)} phải sau ngày hôm nay (${formatDate(m[3]!)}).`,
        en: `Recommendation ${m[1]}: the due date ${formatDate(m[2]!)} is not after today (${formatDate(m[3]!)}).`,
      }),
    ],
    [
      /(\S+) is not a working day/,
      (m) => ({
        vi: `Ngày ${formatDate(m[1]!)} không phải ngày làm việc.`,
        en: `${formatDate(m[1]!)} is not a working day.`,
      }),
    ],
    [
      /the conclusion text is required/,
      () => ({ vi: 'Cần nhập nội dung kết luận.', en: 'The conclusion text is required.' }),
    ],
    [/a reason is required/, () => ({ vi: 'Cần nêu lý do.', en: 'A reason is required.' })],
    [
      /more than (\d+) recommendation lines/,
      (m) => ({
        vi: `Tối đa ${m[1]} kiến nghị trên một biểu mẫu.`,
        en: `At most ${m[1]} recommendations per form.`,
      }),
    ],
    [
      /is longer than (\d+) characters/,
      (m) => ({ vi: `Nội dung dài quá ${m[1]} ký tự.`, en: `The text is longer than ${m[1]} characters.` }),
    ],
    [
      /"(.*)" is not a date/,
      (m) => ({ vi: `"${m[1]}" không phải ngày (YYYY-MM-DD).`, en: `"${m[1]}" is not a date (YYYY-MM-DD).` }),
    ],
    [
      /the inspection’s workflow has ended/,
      () => ({ vi: 'Quy trình kiểm tra đã kết thúc.', en: 'The inspection’s workflow has ended.' }),
    ],
  ];
  for (const [re, words] of known) {
    const m = re.exec(reason);
    if (m) return words(m)[lang];
  }
  return lang === 'vi' ? `Hệ thống từ chối: ${reason}` : `Refused: ${reason}`;
}

export const INSPECT = {
  vi: {
    inspections: 'Kiểm tra, thanh tra',
    inspectionsOf: 'Các cuộc kiểm tra',
    inspection: 'Cuộc kiểm tra',
    backToInspections: '← Danh sách kiểm tra',
    backToMatrix: '← Bảng theo dõi',
    planLink: 'Kế hoạch kiểm tra năm',
    agency: 'Đơn vị',
    kind: 'Hình thức',
    visitOn: 'Ngày làm việc với đơn vị',
    status: 'Trạng thái',
    recommendationsOpen: 'Kiến nghị chưa đóng / tổng số',
    nextDue: 'Hạn gần nhất',
    none: 'Chưa có cuộc kiểm tra nào trong chu trình này.',
    conclusion: 'Kết luận',
    concludedAt: 'Ngày kết luận',
    noConclusion: 'Chưa có kết luận.',
    recommendations: 'Kiến nghị',
    noRecommendations: 'Không có kiến nghị.',
    number: 'Số',
    text: 'Nội dung',
    due: 'Hạn',
    evidence: 'Báo cáo khắc phục',
    files: 'Tệp',
    closedBy: 'Người đóng',
    temporalLink: 'Mở quy trình trong Temporal',
    conclusionText: 'Nội dung kết luận',
    recommendationLine: (n: number) => `Kiến nghị ${n}`,
    dueOptional: 'Hạn (không bắt buộc)',
    note: 'Ghi chú (không bắt buộc)',
    reason: 'Lý do',
    concludeLater: (d: string) => `Kết luận được ghi từ ngày làm việc với đơn vị (${d}).`,
    readOnly: 'Bạn chỉ có quyền xem trang này.',
    done: 'Đã thực hiện',
    refused: 'Không thực hiện được',
    notFound: 'Không tìm thấy',
    notFoundBody: 'Không có cuộc kiểm tra này.',
  },
  en: {
    inspections: 'Inspections',
    inspectionsOf: 'Inspections',
    inspection: 'Inspection',
    backToInspections: '← Inspections',
    backToMatrix: '← Tracking matrix',
    planLink: 'Inspection plan of the year',
    agency: 'Agency',
    kind: 'Kind',
    visitOn: 'Visit date',
    status: 'Status',
    recommendationsOpen: 'Open / total recommendations',
    nextDue: 'Next due',
    none: 'No inspection in this cycle yet.',
    conclusion: 'Conclusion',
    concludedAt: 'Concluded on',
    noConclusion: 'No conclusion yet.',
    recommendations: 'Recommendations',
    noRecommendations: 'No recommendations.',
    number: 'No.',
    text: 'Text',
    due: 'Due',
    evidence: 'Remedy report',
    files: 'Files',
    closedBy: 'Closed by',
    temporalLink: 'Open the workflow in Temporal',
    conclusionText: 'Conclusion text',
    recommendationLine: (n: number) => `Recommendation ${n}`,
    dueOptional: 'Due date (optional)',
    note: 'Note (optional)',
    reason: 'Reason',
    concludeLater: (d: string) => `The conclusion can be recorded from the visit day (${d}) on.`,
    readOnly: 'You may only read this page.',
    done: 'Done',
    refused: 'Refused',
    notFound: 'Not found',
    notFoundBody: 'There is no such inspection.',
  },
} satisfies Record<Lang, Record<string, unknown>>;
