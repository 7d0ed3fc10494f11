// Words of the inspector's pages (/quan-ly/chu-ky/:cycleId/kiem-tra, /quan-ly/kiem-tra/:id), Vietnamese
// first (the workflow's refusals are in src/i18n). Pure.
import type { Lang } from '../i18n';

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
    moreLines: 'Thêm dòng kiến nghị',
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
    moreLines: 'More recommendation lines',
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
