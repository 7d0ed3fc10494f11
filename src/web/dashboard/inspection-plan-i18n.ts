// Words of the inspection plan page (/quan-ly/chu-ky/:cycleId/ke-hoach-kiem-tra), Vietnamese first, and
// the translation of the cycle's refusals of an approval. Pure.
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

/** A refusal of the cycle's approval Update (or of the form), in the page's language. */
export function planRefusal(reason: string, lang: Lang): string {
  const known: [RegExp, (m: RegExpExecArray) => Record<Lang, string>][] = [
    [
      /^visit (\d+): "(.*)" is not an agency/,
      (m) => ({
        vi: `Dòng ${m[1]}: ${m[2]} không phải đơn vị thuộc đối tượng kiểm tra của kế hoạch.`,
        en: `Line ${m[1]}: ${m[2]} is not an agency this plan's inspections address.`,
      }),
    ],
    [
      /^visit (\d+): (\S+) is in the plan twice/,
      (m) => ({
        vi: `Dòng ${m[1]}: đơn vị ${m[2]} có hai lần trong kế hoạch.`,
        en: `Line ${m[1]}: ${m[2]} is in the plan twice.`,
      }),
    ],
    [
      /^visit (\d+) \((\S+)\): (\S+) is not a working day/,
      (m) => ({
        vi: `${m[2]}: ngày ${formatDate(m[3]!)} không phải ngày làm việc.`,
        en: `${m[2]}: ${formatDate(m[3]!)} is not a working day.`,
      }),
    ],
    [
      /^visit (\d+) \((\S+)\): (\S+) is too soon: the notice needs the visit on (\S+) or later/,
      (m) => ({
        vi: `${m[2]}: ngày ${formatDate(m[3]!)} quá gần, không đủ thời gian thông báo trước; sớm nhất là ngày ${formatDate(m[4]!)}.`,
        en: `${m[2]}: ${formatDate(m[3]!)} is too soon for the notice; the earliest is ${formatDate(m[4]!)}.`,
      }),
    ],
    [
      /^visit (\d+) \((\S+)\): (\S+) is after (\S+), the last day/,
      (m) => ({
        vi: `${m[2]}: ngày ${formatDate(m[3]!)} muộn quá, chậm nhất là ngày ${formatDate(m[4]!)}.`,
        en: `${m[2]}: ${formatDate(m[3]!)} is too late; the latest is ${formatDate(m[4]!)}.`,
      }),
    ],
    [
      /^visit (\d+) \((\S+)\): .* is not a date/,
      (m) => ({
        vi: `${m[2]}: ngày làm việc không hợp lệ.`,
        en: `${m[2]}: the visit date is not a valid date.`,
      }),
    ],
    [
      /^the plan is proposed on (\S+): nothing to approve yet/,
      (m) => ({
        vi: `Đề xuất sẽ được lập ngày ${formatDate(m[1]!)}: chưa có gì để phê duyệt.`,
        en: `The plan is proposed on ${formatDate(m[1]!)}: nothing to approve yet.`,
      }),
    ],
    [
      /^the plan lapsed/,
      () => ({
        vi: 'Đề xuất đã hết hiệu lực: các nhiệm vụ trong năm đã kết thúc trước khi được phê duyệt.',
        en: 'The plan lapsed: the year’s obligations ended before it was approved.',
      }),
    ],
    [
      /^the plan is already (\S+)/,
      (m) => ({
        vi: `Kế hoạch đã ${m[1] === 'approved' ? 'được phê duyệt' : m[1] === 'cancelled' ? 'bị hủy' : 'hết hiệu lực'}.`,
        en: `The plan is already ${m[1]}.`,
      }),
    ],
    [
      /^more than (\d+) visits/,
      (m) => ({ vi: `Quá ${m[1]} cuộc kiểm tra.`, en: `More than ${m[1]} visits.` }),
    ],
    [
      /^the cycle's workflow has ended/,
      () => ({
        vi: 'Chu trình đã kết thúc: không thể phê duyệt nữa.',
        en: 'The cycle has ended: the plan can no longer be approved.',
      }),
    ],
  ];
  for (const [pattern, words] of known) {
    const m = pattern.exec(reason);
    if (m) return words(m)[lang];
  }
  return lang === 'vi' ? `Không thực hiện được (${reason}).` : `Not done (${reason}).`;
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
