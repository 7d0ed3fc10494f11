// Words of the portal's pages, Vietnamese first. Pure.

export type Lang = 'vi' | 'en';

export function pickLang(query: unknown): Lang {
  return (query as { lang?: unknown } | undefined)?.lang === 'en' ? 'en' : 'vi';
}

const STATUS: Record<string, Record<Lang, string>> = {
  pending: { vi: 'Chưa đến kỳ', en: 'Not due yet' },
  requested: { vi: 'Đang chờ đơn vị gửi', en: 'Waiting for your submission' },
  overdue: { vi: 'Quá hạn', en: 'Overdue' },
  submitted: { vi: 'Đã gửi, đang chờ xem xét', en: 'Submitted, under review' },
  returned: { vi: 'Trả lại để hoàn thiện', en: 'Returned for revision' },
  accepted: { vi: 'Đã chấp nhận', en: 'Accepted' },
  waived: { vi: 'Được miễn', en: 'Waived' },
  cancelled: { vi: 'Đã hủy', en: 'Cancelled' },
};

export function statusLabel(status: string, lang: Lang): string {
  return STATUS[status]?.[lang] ?? status;
}

/** Labels of notification steps, by the prefix of the step's name (as the workflow names them). */
const STEP: [prefix: string, label: Record<Lang, string>][] = [
  ['request', { vi: 'Đề nghị', en: 'Request' }],
  ['remind', { vi: 'Nhắc hạn', en: 'Reminder' }],
  ['overdue', { vi: 'Thông báo quá hạn', en: 'Overdue notice' }],
  ['escalate', { vi: 'Đôn đốc', en: 'Escalation' }],
  ['received', { vi: 'Xác nhận đã nhận', en: 'Receipt' }],
  ['accepted', { vi: 'Chấp nhận', en: 'Accepted' }],
  ['returned', { vi: 'Trả lại', en: 'Returned' }],
];

/**
 * A notification step ("<milestone>:r0:remind-5", "…:escalate-head", "…:overdue-to-head") as a person
 * reads it.
 */
export function stepLabel(step: string, lang: Lang): string {
  const last = step.split(':').at(-1) ?? step;
  return STEP.find(([prefix]) => last.startsWith(prefix))?.[1][lang] ?? last;
}

/** Why the workflow refused a submission, as the agency reads it (the workflow's reason in English). */
export function refusal(reason: string, lang: Lang): string {
  const known: [RegExp, Record<Lang, string>][] = [
    [
      /already submitted and is waiting for review/,
      {
        vi: 'Văn bản đã được gửi và đang chờ xem xét; không cần gửi lại.',
        en: 'Your document was already sent and is waiting for review; there is no need to send it again.',
      },
    ],
    [
      /not open yet/,
      { vi: 'Nhiệm vụ này chưa đến kỳ gửi.', en: 'This task is not open for submissions yet.' },
    ],
    [
      /is (accepted|waived|cancelled)|closed/,
      {
        vi: 'Nhiệm vụ này đã kết thúc; không thể gửi thêm.',
        en: 'This task is closed; nothing more can be sent.',
      },
    ],
  ];
  const found = known.find(([re]) => re.test(reason));
  return found ? found[1][lang] : reason;
}

/** dd/mm/yyyy, as Vietnamese official letters write dates. */
export function formatDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

export const TEXT = {
  vi: {
    portal: 'Phối hợp – Cổng tiếp nhận báo cáo',
    agency: 'Đơn vị',
    program: 'Kế hoạch',
    due: 'Hạn gửi',
    daysLeft: (n: number) => (n === 0 ? 'hôm nay là ngày cuối cùng' : `còn ${n} ngày làm việc`),
    daysLate: (n: number) => `quá hạn ${n} ngày làm việc`,
    status: 'Trạng thái',
    submittedAt: 'Đã gửi lúc',
    emails: 'Thư đã gửi cho đơn vị',
    noEmails: 'Chưa có thư nào.',
    switchLang: 'English',
    linkProblem: 'Không mở được nhiệm vụ',
    notFound: 'Không tìm thấy nhiệm vụ này',
    notFoundBody:
      'Đường liên kết hợp lệ nhưng nhiệm vụ không còn trong hệ thống. Vui lòng liên hệ cơ quan chủ trì.',
    problems: {
      malformed: 'Đường liên kết không đầy đủ hoặc bị cắt. Vui lòng mở lại đúng đường liên kết trong thư.',
      'bad-signature': 'Đường liên kết đã bị sửa đổi hoặc không do hệ thống này cấp.',
      expired: 'Đường liên kết đã hết hạn (chu trình đã kết thúc).',
      'wrong-scope': 'Đường liên kết này dành cho một nhiệm vụ khác.',
    },
    contact: 'Nếu cần hỗ trợ, vui lòng liên hệ cơ quan chủ trì.',
    submitHeading: 'Gửi văn bản',
    submittedBy: 'Người chịu trách nhiệm',
    summary: 'Tóm tắt nội dung',
    submit: 'Gửi',
    received: (n: string) => `Đã tiếp nhận. Số tiếp nhận: ${n}. Thư xác nhận sẽ được gửi tới đơn vị.`,
    submitFailed: 'Chưa gửi được',
    submitRefused: 'Không tiếp nhận',
    fieldRequired: (f: string) => `Vui lòng nhập “${f}”.`,
    fieldTooLong: (f: string, n: number) => `“${f}” dài quá ${n} ký tự.`,
    formExpired: 'Biểu mẫu không hợp lệ; vui lòng mở lại trang và gửi lại.',
    tryAgain: 'Hệ thống tạm thời không xử lý được; chưa có gì được ghi nhận. Vui lòng thử lại sau ít phút.',
    taskClosed: 'Nhiệm vụ này đã kết thúc; không thể gửi thêm.',
  },
  en: {
    portal: 'Phối hợp – reporting portal',
    agency: 'Agency',
    program: 'Plan',
    due: 'Due',
    daysLeft: (n: number) =>
      n === 0 ? 'today is the last day' : `${n} working day${n === 1 ? '' : 's'} left`,
    daysLate: (n: number) => `overdue by ${n} working day${n === 1 ? '' : 's'}`,
    status: 'Status',
    submittedAt: 'Submitted at',
    emails: 'Emails sent to your agency',
    noEmails: 'None yet.',
    switchLang: 'Tiếng Việt',
    linkProblem: 'This task cannot be opened',
    notFound: 'Task not found',
    notFoundBody:
      'The link is valid but the task is no longer in the system. Please contact the lead agency.',
    problems: {
      malformed: 'The link is incomplete or was cut. Please open the exact link from the email.',
      'bad-signature': 'The link was altered or was not issued by this system.',
      expired: 'The link has expired (the cycle is over).',
      'wrong-scope': 'This link is for another task.',
    },
    contact: 'For help, please contact the lead agency.',
    submitHeading: 'Send your document',
    submittedBy: 'Person responsible',
    summary: 'Summary',
    submit: 'Send',
    received: (n: string) => `Received. Receipt number: ${n}. A confirmation email follows.`,
    submitFailed: 'Not sent',
    submitRefused: 'Not accepted',
    fieldRequired: (f: string) => `Please fill in “${f}”.`,
    fieldTooLong: (f: string, n: number) => `“${f}” is longer than ${n} characters.`,
    formExpired: 'The form is not valid; please reopen the page and send again.',
    tryAgain:
      'The system cannot process this right now; nothing was recorded. Please try again in a few minutes.',
    taskClosed: 'This task is closed; nothing more can be sent.',
  },
} as const;
