// Words of the exports, Vietnamese and English. Pure. The dashboard shows the same state and group labels
// (src/web/dashboard/i18n.ts re-exports them), so a file and the page it was downloaded from agree.

export type ReportLang = 'vi' | 'en';

/** The states a matrix cell shows: the read model's statuses, with reminded and escalated told apart. */
export const CELL_STATES = [
  'pending',
  'requested',
  'reminded',
  'overdue',
  'escalated',
  'submitted',
  'returned',
  'accepted',
  'waived',
  'cancelled',
] as const;
export type CellState = (typeof CELL_STATES)[number];

export function isCellState(value: string): value is CellState {
  return (CELL_STATES as readonly string[]).includes(value);
}

const STATE_LABELS: Record<CellState, Record<ReportLang, string>> = {
  pending: { vi: 'Chưa đến kỳ', en: 'Not due' },
  requested: { vi: 'Đã đề nghị', en: 'Requested' },
  reminded: { vi: 'Đã nhắc', en: 'Reminded' },
  overdue: { vi: 'Quá hạn', en: 'Overdue' },
  escalated: { vi: 'Đã đôn đốc', en: 'Escalated' },
  submitted: { vi: 'Đã nộp, chờ xem xét', en: 'Submitted' },
  returned: { vi: 'Đã trả lại', en: 'Returned' },
  accepted: { vi: 'Đã chấp nhận', en: 'Accepted' },
  waived: { vi: 'Được miễn', en: 'Waived' },
  cancelled: { vi: 'Đã hủy', en: 'Cancelled' },
};

export function stateLabel(state: CellState, lang: ReportLang): string {
  return STATE_LABELS[state][lang];
}

const SUBMISSION_STATUS: Record<string, Record<ReportLang, string>> = {
  received: { vi: 'Đã tiếp nhận, chờ xem xét', en: 'Received, awaiting review' },
  accepted: { vi: 'Đã chấp nhận', en: 'Accepted' },
  returned: { vi: 'Trả lại hoàn thiện', en: 'Returned' },
};

export function submissionStatusLabel(status: string, lang: ReportLang): string {
  return SUBMISSION_STATUS[status]?.[lang] ?? status;
}

const GROUPS: Record<string, Record<ReportLang, string>> = {
  department: { vi: 'Sở, ban, ngành', en: 'Departments, boards and sectors' },
  mass_organisation: {
    vi: 'Mặt trận Tổ quốc và các đoàn thể',
    en: 'Fatherland Front and mass organisations',
  },
  district_committee: { vi: 'UBND cấp huyện', en: 'District People’s Committees' },
  commune_committee: { vi: 'UBND cấp xã', en: 'Commune People’s Committees' },
};

/** An agency group (free text in the directory) as a person reads it. */
export function groupLabel(group: string, lang: ReportLang): string {
  return GROUPS[group]?.[lang] ?? group;
}

export const WORDS = {
  vi: {
    matrixSheet: 'Bảng theo dõi',
    submissionsSheet: 'Văn bản đã nộp',
    aboutSheet: 'Thông tin',
    item: 'Mục',
    value: 'Nội dung',
    code: 'Mã đơn vị',
    agency: 'Tên đơn vị',
    group: 'Nhóm đơn vị',
    state: 'Trạng thái',
    due: 'Hạn',
    submittedOn: 'Ngày nộp',
    lateBy: 'Muộn (ngày làm việc)',
    flagged: 'Nêu tên trong báo cáo',
    receipt: 'Số tiếp nhận',
    milestone: 'Nhiệm vụ',
    milestoneKey: 'Mã nhiệm vụ',
    submittedAt: 'Thời điểm nộp',
    submittedBy: 'Người chịu trách nhiệm',
    summary: 'Tóm tắt',
    attachments: 'Tệp đính kèm',
    status: 'Trạng thái',
    reviewNote: 'Ý kiến xem xét',
    yes: 'Có',
    no: 'Không',
    program: 'Kế hoạch',
    year: 'Năm',
    exportedAt: 'Thời điểm xuất',
    filters: 'Bộ lọc',
    none: 'Không',
    rows: 'Số dòng',
    timeZone: 'Ngày giờ theo giờ Việt Nam (UTC+7)',
    matrixFile: 'ma-tran',
    submissionsFile: 'van-ban-nop',
  },
  en: {
    matrixSheet: 'Tracking matrix',
    submissionsSheet: 'Submissions',
    aboutSheet: 'About',
    item: 'Item',
    value: 'Value',
    code: 'Agency code',
    agency: 'Agency',
    group: 'Agency group',
    state: 'State',
    due: 'Due',
    submittedOn: 'Submitted on',
    lateBy: 'Late by (working days)',
    flagged: 'Named in the report',
    receipt: 'Receipt number',
    milestone: 'Milestone',
    milestoneKey: 'Milestone key',
    submittedAt: 'Submitted at',
    submittedBy: 'Person responsible',
    summary: 'Summary',
    attachments: 'Attachments',
    status: 'Status',
    reviewNote: 'Review note',
    yes: 'Yes',
    no: 'No',
    program: 'Program',
    year: 'Year',
    exportedAt: 'Exported at',
    filters: 'Filters',
    none: 'None',
    rows: 'Rows',
    timeZone: 'Dates and times in Vietnam time (UTC+7)',
    matrixFile: 'matrix',
    submissionsFile: 'submissions',
  },
} satisfies Record<ReportLang, Record<string, string>>;
