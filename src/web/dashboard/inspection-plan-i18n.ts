// Words of the inspection plan page (/quan-ly/chu-ky/:cycleId/ke-hoach-kiem-tra), Vietnamese first (the
// cycle's refusals of an approval are in src/i18n). Pure.
import { formatDate, type Lang } from '../i18n';
import type { RiskReason } from '../../inspections/plan';

const STAGE: Record<string, Record<Lang, string>> = {
  waiting: { vi: 'Chưa đến ngày lập đề xuất', en: 'Not proposed yet' },
  proposed: { vi: 'Đã đề xuất, chờ phê duyệt', en: 'Proposed, awaiting approval' },
  approved: { vi: 'Đã phê duyệt', en: 'Approved' },
  lapsed: { vi: 'Không được phê duyệt kịp, không có cuộc kiểm tra', en: 'Lapsed: no inspection' },
  cancelled: { vi: 'Đã hủy', en: 'Cancelled' },
};

const SOURCE: Record<string, Record<Lang, string>> = {
  risk: { vi: 'Theo mức độ rủi ro', en: 'By risk' },
  sample: { vi: 'Chọn ngẫu nhiên', en: 'Random sample' },
  coordinator: { vi: 'Do cơ quan chủ trì bổ sung', en: 'Added by the coordinator' },
};

export const planStageLabel = (s: string, lang: Lang) => STAGE[s]?.[lang] ?? s;

/** "YYYY-MM-DD" as "DD/MM/YYYY"; anything else as given. */
const civil = (iso: string) => iso.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$3/$2/$1');

/**
 * The plan's note as a coordinator reads it. The cycle's workflow writes it in English (for operators in
 * the Temporal UI, and in the recorded histories): a lapse, a plan that could not be drawn up, inspections
 * that already existed. Each of its forms has its wording here; a note of no known form is shown as given.
 */
export function planNoteText(note: string, lang: Lang): string {
  if (!note) return '';
  const vi = lang === 'vi';
  const forms: [RegExp, (m: RegExpExecArray) => Record<Lang, string>][] = [
    [
      /^not approved by (\S+), when the year's obligations ended: no inspection started$/,
      (m) => ({
        vi: `Đến ngày ${civil(m[1]!)}, khi các nhiệm vụ trong năm kết thúc, kế hoạch chưa được phê duyệt: không có cuộc kiểm tra nào được tiến hành.`,
        en: `Not approved by ${civil(m[1]!)}, when the year’s obligations ended: no inspection was started.`,
      }),
    ],
    [
      /^the year's obligations ended before the proposal day \((\S+)\)$/,
      (m) => ({
        vi: `Các nhiệm vụ trong năm đã kết thúc trước ngày lập đề xuất (${civil(m[1]!)}).`,
        en: `The year’s obligations ended before the proposal day (${civil(m[1]!)}).`,
      }),
    ],
    [
      /^the plan could not be made: (.*)$/,
      () => ({
        vi: 'Hệ thống không lập được kế hoạch (lỗi khi đọc dữ liệu); người vận hành xem chi tiết trong nhật ký.',
        en: 'The plan could not be drawn up (reading its data failed); operators find the details in the log.',
      }),
    ],
  ];
  for (const [re, text] of forms) {
    const m = re.exec(note);
    if (m) return text(m)[lang];
  }
  // Inspections that already existed when the plan was approved: "<code>: an inspection <id> already exists…".
  const existing = [...note.matchAll(/(?:^|; )(\S+): an inspection \S+ already exists; not started again/g)];
  if (existing.length > 0) {
    const codes = existing.map((m) => m[1]).join(', ');
    return vi
      ? `Đã có cuộc kiểm tra của các đơn vị sau nên không bắt đầu lại: ${codes}.`
      : `These agencies already had an inspection, not started again: ${codes}.`;
  }
  return note;
}
export const visitSourceLabel = (s: string, lang: Lang) => SOURCE[s]?.[lang] ?? s;

/** One risk reason in words; `title` gives a milestone's title in the page's language. */
export function riskReasonText(r: RiskReason, lang: Lang, title: (key: string) => string): string {
  switch (r.kind) {
    case 'missing':
      return lang === 'vi'
        ? `Chưa nộp ${title(r.milestone)} (hạn ${formatDate(r.dueOn)})`
        : `${title(r.milestone)} not sent (due ${formatDate(r.dueOn)})`;
    case 'late':
      return lang === 'vi'
        ? `Nộp ${title(r.milestone)} muộn ${r.workingDays} ngày làm việc`
        : `${title(r.milestone)} sent ${r.workingDays} working day${r.workingDays === 1 ? '' : 's'} late`;
    case 'open-recommendation':
      return lang === 'vi'
        ? `Kiến nghị số ${r.number} năm ${r.year} chưa hoàn thành (hạn ${formatDate(r.dueOn)})`
        : `Recommendation ${r.number} of ${r.year} still open (due ${formatDate(r.dueOn)})`;
  }
}

export const PLAN = {
  vi: {
    title: 'Kế hoạch kiểm tra',
    link: 'Kế hoạch kiểm tra năm',
    backToMatrix: '← Bảng theo dõi',
    inspectionsLink: 'Các cuộc kiểm tra →',
    stage: 'Trạng thái',
    proposeOn: 'Ngày lập đề xuất',
    proposedOn: 'Đề xuất lập ngày',
    visitsFrom: 'Làm việc với đơn vị từ sau ngày',
    approvedBy: 'Người phê duyệt',
    approvedOn: 'Ngày phê duyệt',
    earliest: 'Ngày làm việc sớm nhất còn đủ thời gian thông báo',
    settings: (risk: number, sample: number, eligible: number) =>
      `Đề xuất gồm tối đa ${risk} đơn vị có rủi ro cao nhất và ${sample} đơn vị chọn ngẫu nhiên trong số ${eligible} đơn vị thuộc đối tượng kiểm tra.`,
    include: 'Đưa vào',
    agency: 'Đơn vị',
    source: 'Lý do lựa chọn',
    reasons: 'Căn cứ',
    score: 'Điểm rủi ro',
    kind: 'Hình thức',
    visitOn: 'Ngày làm việc',
    noReasons: '—',
    addTitle: 'Bổ sung đơn vị (mã đơn vị trong danh bạ)',
    code: 'Mã đơn vị',
    approve: 'Phê duyệt kế hoạch và gửi thông báo',
    approveHelp:
      'Khi phê duyệt, mỗi đơn vị được chọn sẽ có một cuộc kiểm tra; thông báo gửi đơn vị trước ngày làm việc theo số ngày làm việc kế hoạch quy định. Bỏ chọn tất cả để không kiểm tra năm nay.',
    readOnly: 'Bạn chỉ có quyền xem. Cơ quan chủ trì (điều phối) phê duyệt kế hoạch.',
    waitingBody: (date: string) =>
      `Hệ thống sẽ tự lập đề xuất ngày ${date}, căn cứ tình hình nộp báo cáo và các kiến nghị chưa hoàn thành của năm trước.`,
    lapsedBody:
      'Kế hoạch không được phê duyệt trước khi các nhiệm vụ trong năm kết thúc; không có cuộc kiểm tra nào được tiến hành.',
    started: 'Các cuộc kiểm tra đã bắt đầu',
    unavailable: 'Không đọc được kế hoạch từ hệ thống điều phối. Vui lòng thử lại sau ít phút.',
    fromAudit: 'Thông tin dưới đây lấy từ nhật ký (hệ thống điều phối không trả lời).',
    done: 'Đã phê duyệt kế hoạch kiểm tra',
    refused: 'Không phê duyệt được',
    note: 'Ghi chú',
  },
  en: {
    title: 'Inspection plan',
    link: 'Inspection plan of the year',
    backToMatrix: '← Tracking matrix',
    inspectionsLink: 'Inspections →',
    stage: 'Status',
    proposeOn: 'Proposal day',
    proposedOn: 'Proposed on',
    visitsFrom: 'Visits after',
    approvedBy: 'Approved by',
    approvedOn: 'Approved on',
    earliest: 'Earliest visit day the notice period still allows',
    settings: (risk: number, sample: number, eligible: number) =>
      `The proposal holds up to ${risk} agencies of highest risk and ${sample} drawn at random, of the ${eligible} agencies the inspections address.`,
    include: 'Include',
    agency: 'Agency',
    source: 'Selected',
    reasons: 'Grounds',
    score: 'Risk score',
    kind: 'Kind',
    visitOn: 'Visit day',
    noReasons: '—',
    addTitle: 'Add agencies (directory code)',
    code: 'Agency code',
    approve: 'Approve the plan and send the notices',
    approveHelp:
      'On approval each selected agency gets an inspection; its notice goes out the plan’s number of working days before the visit. Untick everything for no inspection this year.',
    readOnly: 'You can view only. The lead agency’s coordinators approve the plan.',
    waitingBody: (date: string) =>
      `The proposal is drawn up automatically on ${date}, from the year's submissions so far and last year's open recommendations.`,
    lapsedBody: 'The plan was not approved before the year’s obligations ended; no inspection was started.',
    started: 'Inspections started',
    unavailable: 'The plan could not be read from the workflow service. Please try again in a few minutes.',
    fromAudit: 'What follows is from the audit log (the workflow service did not answer).',
    done: 'The inspection plan is approved',
    refused: 'Not approved',
    note: 'Note',
  },
} as const;
