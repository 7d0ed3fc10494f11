// Words of the portal's pages, Vietnamese first (the workflows' refusals are in src/i18n). Pure.
import type { FileProblem } from '../files/storage';
import type { Lang } from '../i18n/lang';

export type { Lang };

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
  [
    'extension-requested',
    { vi: 'Báo điều phối viên: đơn vị xin gia hạn', en: 'Coordinators told of an extension request' },
  ],
];

/**
 * A notification step ("<milestone>:r0:remind-5", "…:escalate-head", "…:overdue-to-head") as a person
 * reads it.
 */
export function stepLabel(step: string, lang: Lang): string {
  const last = step.split(':').at(-1) ?? step;
  return STEP.find(([prefix]) => last.startsWith(prefix))?.[1][lang] ?? last;
}

/** A size as people read it: "850 KB", "1,5 MB" (Vietnamese decimal comma) / "1.5 MB". */
export function formatSize(bytes: number, lang: Lang): string {
  const KIB = 1024;
  const MIB = 1024 * 1024;
  const [value, unit] =
    bytes >= MIB ? [bytes / MIB, 'MB'] : bytes >= KIB ? [bytes / KIB, 'KB'] : [bytes, 'B'];
  const rounded =
    value >= 10 || unit === 'B' ? Math.round(value).toString() : (Math.round(value * 10) / 10).toString();
  return `${lang === 'vi' ? rounded.replace('.', ',') : rounded} ${unit}`;
}

/** A figure value as typed in the language: Vietnamese decimal comma. */
export function formatFigure(value: number, lang: Lang): string {
  const text = String(value);
  return lang === 'vi' ? text.replace('.', ',') : text;
}

type FileProblemKey = FileProblem;
type FigureProblemKey =
  'required' | 'not-a-number' | 'ambiguous' | 'negative' | 'not-whole' | 'over-100' | 'too-large';

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
    linkReplaced: 'Đường liên kết này đã được thay thế',
    notFound: 'Không tìm thấy nhiệm vụ này',
    notFoundBody:
      'Đường liên kết hợp lệ nhưng nhiệm vụ không còn trong hệ thống. Vui lòng liên hệ cơ quan chủ trì.',
    problems: {
      malformed: 'Đường liên kết không đầy đủ hoặc bị cắt. Vui lòng mở lại đúng đường liên kết trong thư.',
      'bad-signature': 'Đường liên kết đã bị sửa đổi hoặc không do hệ thống này cấp.',
      expired: 'Đường liên kết đã hết hạn (chu trình đã kết thúc).',
      'wrong-scope': 'Đường liên kết này dành cho một nhiệm vụ khác.',
      replaced:
        'Đường liên kết này đã được thay bằng đường liên kết mới. Vui lòng mở đường liên kết trong thư gần nhất ' +
        'về nhiệm vụ này, hoặc đề nghị cơ quan chủ trì gửi lại.',
      revoked:
        'Đường liên kết này đã bị thu hồi (ví dụ do thay đổi cán bộ đầu mối). Người được giao nhiệm vụ sẽ nhận ' +
        'đường liên kết riêng trong thư tiếp theo; nếu cần ngay, vui lòng đề nghị cơ quan chủ trì gửi lại.',
    },
    contact: 'Nếu cần hỗ trợ, vui lòng liên hệ cơ quan chủ trì.',
    submitHeading: 'Gửi văn bản',
    submittedBy: 'Người chịu trách nhiệm',
    summary: 'Tóm tắt nội dung',
    submit: 'Gửi',
    received: (n: string) => `Đã tiếp nhận. Số tiếp nhận: ${n}. Thư xác nhận sẽ được gửi tới đơn vị.`,
    receivedPending: (n: string) =>
      `Đã tiếp nhận. Số tiếp nhận: ${n}. Văn bản đã được ghi nhận vào thời điểm gửi; việc xem xét sẽ được thực hiện sau, thư xác nhận sẽ được gửi tới đơn vị. Không cần gửi lại.`,
    receiptStillPending: (n: string) =>
      `Văn bản số tiếp nhận ${n} đã được ghi nhận và đang chờ chuyển xem xét; không cần gửi lại.`,
    receiptsHeading: 'Văn bản đã tiếp nhận, chờ xử lý',
    receiptPending: (n: string, at: string) =>
      `Số tiếp nhận ${n}, nhận lúc ${at}: đã ghi nhận theo thời điểm gửi; việc xem xét sẽ được thực hiện sau.`,
    receiptRefused: (n: string, at: string, why: string) =>
      `Số tiếp nhận ${n}, nhận lúc ${at}: không được tiếp nhận. ${why}`,
    submitFailed: 'Chưa gửi được',
    submitRefused: 'Không tiếp nhận',
    fieldRequired: (f: string) => `Vui lòng nhập “${f}”.`,
    fieldTooLong: (f: string, n: number) => `“${f}” dài quá ${n} ký tự.`,
    formExpired: 'Biểu mẫu không hợp lệ; vui lòng mở lại trang và gửi lại.',
    tryAgain: 'Hệ thống tạm thời không xử lý được; chưa có gì được ghi nhận. Vui lòng thử lại sau ít phút.',
    unavailable: 'Hệ thống tạm thời gián đoạn',
    badRequest: 'Yêu cầu không hợp lệ; chưa có gì được ghi nhận. Vui lòng mở lại đường liên kết trong thư.',
    taskClosed: 'Nhiệm vụ này đã kết thúc; không thể gửi thêm.',
    checkForm: 'Vui lòng kiểm tra lại; chưa có gì được ghi nhận:',
    attachments: 'Tệp đính kèm',
    attachmentsHint: (n: number, size: string) =>
      `PDF, DOCX, XLSX hoặc ODT; tối đa ${n} tệp, mỗi tệp không quá ${size}. Tệp được kiểm tra theo nội dung, không theo tên.`,
    reattach: 'Vui lòng chọn lại tệp đính kèm (tệp không được giữ lại khi biểu mẫu chưa hợp lệ).',
    fileProblem: (name: string, problem: FileProblemKey, limit: string): string =>
      ({
        'unknown-type': `Tệp “${name}” không phải là PDF, DOCX, XLSX hoặc ODT (kiểm tra theo nội dung tệp, không theo tên hay đuôi tệp).`,
        macros: `Tệp “${name}” có chứa macro; không tiếp nhận. Vui lòng lưu lại dưới dạng .docx hoặc .xlsx không có macro.`,
        'excel4-macros': `Tệp “${name}” có trang macro Excel 4.0 (macro sheet), có thể tự chạy lệnh khi mở; không tiếp nhận. Vui lòng xóa trang macro hoặc chép số liệu sang một bảng tính mới rồi lưu dưới dạng .xlsx.`,
        'odf-macros': `Tệp “${name}” có chứa macro (Basic hoặc script) của LibreOffice/OpenOffice; không tiếp nhận. Vui lòng xóa macro hoặc chép nội dung sang một văn bản mới rồi lưu lại.`,
        'external-links': `Tệp “${name}” có liên kết tới tệp bên ngoài (mẫu, hình ảnh hoặc dữ liệu tải từ nơi khác khi mở tệp); không tiếp nhận. Vui lòng bỏ liên kết (hoặc chèn trực tiếp nội dung) rồi lưu lại; liên kết web thông thường trong văn bản vẫn được chấp nhận.`,
        'embedded-objects': `Tệp “${name}” có nhúng đối tượng OLE hoặc ActiveX (kể cả bảng tính nhúng trong biểu đồ); không tiếp nhận. Vui lòng thay đối tượng bằng hình ảnh hoặc gửi riêng từng tệp.`,
        'pdf-damaged': `Tệp “${name}” là PDF bị hỏng, chưa tải hết hoặc không kiểm tra được; không tiếp nhận. Vui lòng xuất (hoặc in) lại thành PDF rồi gửi lại.`,
        'pdf-active': `Tệp “${name}” là PDF có mã JavaScript, lệnh mở chương trình hoặc tệp đính kèm bên trong; không tiếp nhận. Vui lòng in lại thành PDF (chức năng In › Lưu dưới dạng PDF) rồi gửi lại.`,
        empty: `Tệp “${name}” trống (0 byte).`,
        'too-big': `Tệp “${name}” lớn hơn giới hạn ${limit} mỗi tệp.`,
      })[problem],
    tooManyFiles: (max: number, given?: number) =>
      `Chỉ được đính kèm tối đa ${max} tệp mỗi lần gửi; ${given === undefined ? 'đã chọn quá nhiều tệp' : `đã chọn ${given} tệp`}.`,
    figures: 'Số liệu',
    required: 'bắt buộc',
    figureProblem: (label: string, problem: FigureProblemKey): string =>
      ({
        required: `Vui lòng nhập số liệu “${label}”.`,
        'not-a-number': `“${label}”: không phải là một số. Ví dụ hợp lệ: 12 hoặc 12,5.`,
        ambiguous: `“${label}”: cách viết không rõ (dấu phân cách hàng nghìn hay thập phân?). Vui lòng viết số không có dấu phân cách hàng nghìn, dùng dấu phẩy cho phần thập phân, ví dụ 1234 hoặc 12,5.`,
        negative: `“${label}”: không được là số âm.`,
        'not-whole': `“${label}”: phải là số nguyên (không có phần thập phân).`,
        'over-100': `“${label}”: tỷ lệ phải từ 0 đến 100.`,
        'too-large': `“${label}”: số quá lớn.`,
      })[problem],
    returnedHeading: 'Văn bản được trả lại để hoàn thiện',
    returnedReason: 'Lý do',
    newDue: 'Hạn gửi mới',
    resubmitHint: 'Vui lòng hoàn thiện và gửi lại văn bản bằng biểu mẫu dưới đây.',
    extensionHeading: 'Đề nghị gia hạn',
    extensionUntil: 'Đề nghị gia hạn đến ngày',
    extensionReason: 'Lý do',
    requestedBy: 'Người đề nghị',
    extensionSubmit: 'Gửi đề nghị gia hạn',
    extensionHint:
      'Cơ quan chủ trì sẽ xem xét và quyết định; trong khi chờ, hạn gửi hiện tại vẫn giữ nguyên.',
    extensionRecorded: (date: string) =>
      `Đã ghi nhận đề nghị gia hạn đến ngày ${date}. Cơ quan chủ trì sẽ xem xét và quyết định; trong khi chờ, hạn gửi hiện tại vẫn giữ nguyên.`,
    extensionRefused: 'Đề nghị gia hạn không được tiếp nhận',
    badDate: 'Vui lòng nhập ngày hợp lệ.',
    extensionRequests: 'Đề nghị gia hạn đã gửi',
    extensionRow: (date: string, by: string, reason: string) => `đến ngày ${date} – ${by}: ${reason}`,
    history: 'Các lần gửi văn bản',
    noSubmissions: 'Chưa gửi lần nào.',
    receiptNumber: 'Số tiếp nhận',
    date: 'Ngày',
    submittedByShort: 'Người gửi',
    review: 'Kết quả xem xét',
    submissionStatus: { received: 'Đang chờ xem xét', accepted: 'Đã chấp nhận', returned: 'Đã trả lại' },
    inspectionHeading: 'Kiểm tra, thanh tra tại đơn vị',
    inspectionKind: 'Hình thức',
    inspectionKinds: { kiem_tra: 'Kiểm tra', thanh_tra: 'Thanh tra' },
    visitOn: 'Ngày làm việc tại đơn vị',
    inspectionStages: {
      planned: 'Đã lên kế hoạch',
      noticed: 'Đã thông báo',
      visited: 'Đã làm việc, chờ kết luận',
      concluded: 'Đã có kết luận; đang theo dõi kiến nghị',
      closed: 'Đã kết thúc',
      cancelled: 'Đã hủy',
    },
    conclusion: 'Kết luận',
    concludedOn: 'Ngày kết luận',
    recommendations: 'Kiến nghị',
    noRecommendations: 'Chưa có kiến nghị nào.',
    recommendationNumber: 'Số',
    recommendationText: 'Nội dung kiến nghị',
    recommendationStates: {
      open: 'Đang chờ đơn vị khắc phục',
      reported: 'Đơn vị đã báo cáo, chờ xem xét',
      closed: 'Đã kết thúc',
    },
    recommendationReport: (n: number) => `Báo cáo kết quả thực hiện kiến nghị số ${n}`,
    reportedBy: 'Người báo cáo',
    remedySummary: 'Nội dung đã thực hiện',
    evidence: 'Tài liệu minh chứng',
    reportedAt: 'Đã báo cáo ngày',
    reportSubmit: 'Gửi báo cáo',
    recommendationReported: (n: number) =>
      `Đã ghi nhận báo cáo thực hiện kiến nghị số ${n}. Đoàn kiểm tra sẽ xem xét và thông báo kết quả.`,
    reportRefused: 'Báo cáo thực hiện kiến nghị không được tiếp nhận',
    recommendationRefusals: {
      unknown: (n: string) => `Không có kiến nghị số ${n} trong kết luận kiểm tra của đơn vị.`,
      inspectionOver: 'Cuộc kiểm tra đã kết thúc hoặc đã bị hủy; không thể gửi thêm báo cáo.',
    },
    emailKind: 'Loại thư',
    recipient: 'Người nhận',
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
    linkReplaced: 'This link has been replaced',
    notFound: 'Task not found',
    notFoundBody:
      'The link is valid but the task is no longer in the system. Please contact the lead agency.',
    problems: {
      malformed: 'The link is incomplete or was cut. Please open the exact link from the email.',
      'bad-signature': 'The link was altered or was not issued by this system.',
      expired: 'The link has expired (the cycle is over).',
      'wrong-scope': 'This link is for another task.',
      replaced:
        'This link has been replaced by a new one. Please open the link in the latest email about this task, ' +
        'or ask the lead agency to send it again.',
      revoked:
        'This link has been withdrawn (for instance because the contact person changed). The person now in ' +
        'charge gets their own link in the next email; if it is needed sooner, please ask the lead agency to ' +
        'send it again.',
    },
    contact: 'For help, please contact the lead agency.',
    submitHeading: 'Send your document',
    submittedBy: 'Person responsible',
    summary: 'Summary',
    submit: 'Send',
    received: (n: string) => `Received. Receipt number: ${n}. A confirmation email follows.`,
    receivedPending: (n: string) =>
      `Received. Receipt number: ${n}. Your document is recorded as of the time you sent it; the review will follow, with a confirmation email. There is no need to send it again.`,
    receiptStillPending: (n: string) =>
      `The document with receipt number ${n} is recorded and waiting to go to review; there is no need to send it again.`,
    receiptsHeading: 'Documents received, waiting to be processed',
    receiptPending: (n: string, at: string) =>
      `Receipt number ${n}, received at ${at}: recorded as of the time it was sent; the review will follow.`,
    receiptRefused: (n: string, at: string, why: string) =>
      `Receipt number ${n}, received at ${at}: not accepted. ${why}`,
    submitFailed: 'Not sent',
    submitRefused: 'Not accepted',
    fieldRequired: (f: string) => `Please fill in “${f}”.`,
    fieldTooLong: (f: string, n: number) => `“${f}” is longer than ${n} characters.`,
    formExpired: 'The form is not valid; please reopen the page and send again.',
    tryAgain:
      'The system cannot process this right now; nothing was recorded. Please try again in a few minutes.',
    unavailable: 'Temporarily unavailable',
    badRequest: 'The request is not valid; nothing was recorded. Please reopen the link from the email.',
    taskClosed: 'This task is closed; nothing more can be sent.',
    checkForm: 'Please check the form; nothing was recorded:',
    attachments: 'Attachments',
    attachmentsHint: (n: number, size: string) =>
      `PDF, DOCX, XLSX or ODT; at most ${n} files, each at most ${size}. Files are checked by their content, not their name.`,
    reattach: 'Please choose your attachments again (files are not kept while the form is not valid).',
    fileProblem: (name: string, problem: FileProblemKey, limit: string): string =>
      ({
        'unknown-type': `“${name}” is not a PDF, DOCX, XLSX or ODT file (checked by its content, not its name or extension).`,
        macros: `“${name}” contains macros and cannot be accepted. Please save it as a .docx or .xlsx without macros.`,
        'excel4-macros': `“${name}” contains an Excel 4.0 macro sheet, which can run commands when opened, and cannot be accepted. Please delete the macro sheet or copy the figures into a new workbook saved as .xlsx.`,
        'odf-macros': `“${name}” contains LibreOffice/OpenOffice macros (Basic or scripts) and cannot be accepted. Please delete the macros or copy the text into a new document and save it again.`,
        'external-links': `“${name}” links to outside files (a template, picture or data fetched from elsewhere when it is opened) and cannot be accepted. Please remove the links (or insert the content itself) and save it again; ordinary web links in the text are accepted.`,
        'embedded-objects': `“${name}” contains embedded OLE or ActiveX objects (including a chart's embedded workbook) and cannot be accepted. Please replace them with pictures or send each file separately.`,
        'pdf-damaged': `“${name}” is a damaged or incomplete PDF, or one that cannot be checked, and cannot be accepted. Please export (or print) it to PDF again and resend it.`,
        'pdf-active': `“${name}” is a PDF with JavaScript, an action that starts a program, or files attached inside, and cannot be accepted. Please print it to a new PDF (Print › Save as PDF) and resend it.`,
        empty: `“${name}” is empty (0 bytes).`,
        'too-big': `“${name}” is larger than the limit of ${limit} per file.`,
      })[problem],
    tooManyFiles: (max: number, given?: number) =>
      `At most ${max} files can be attached to one submission; ${given === undefined ? 'far more were chosen' : `${given} were chosen`}.`,
    figures: 'Figures',
    required: 'required',
    figureProblem: (label: string, problem: FigureProblemKey): string =>
      ({
        required: `Please fill in the figure “${label}”.`,
        'not-a-number': `“${label}”: not a number. Valid examples: 12 or 12.5.`,
        ambiguous: `“${label}”: this can be read two ways (thousands separator or decimal?). Please write the number without thousands separators, e.g. 1234 or 12.5.`,
        negative: `“${label}”: must not be negative.`,
        'not-whole': `“${label}”: must be a whole number.`,
        'over-100': `“${label}”: a percentage must be from 0 to 100.`,
        'too-large': `“${label}”: the number is too large.`,
      })[problem],
    returnedHeading: 'Your document was returned for revision',
    returnedReason: 'Reason',
    newDue: 'New due date',
    resubmitHint: 'Please revise your document and send it again with the form below.',
    extensionHeading: 'Ask for more time',
    extensionUntil: 'New due date requested',
    extensionReason: 'Reason',
    requestedBy: 'Requested by',
    extensionSubmit: 'Send the request',
    extensionHint: 'The lead agency reviews the request and decides; until then the current due date stands.',
    extensionRecorded: (date: string) =>
      `Your request for an extension to ${date} was recorded. The lead agency will review it and decide; until then the current due date stands.`,
    extensionRefused: 'Extension request not accepted',
    badDate: 'Please enter a valid date.',
    extensionRequests: 'Extension requests sent',
    extensionRow: (date: string, by: string, reason: string) => `to ${date} – ${by}: ${reason}`,
    history: 'Submissions',
    noSubmissions: 'Nothing sent yet.',
    receiptNumber: 'Receipt number',
    date: 'Date',
    submittedByShort: 'Sent by',
    review: 'Review',
    submissionStatus: { received: 'Under review', accepted: 'Accepted', returned: 'Returned' },
    inspectionHeading: 'Inspection of your agency',
    inspectionKind: 'Kind',
    inspectionKinds: { kiem_tra: 'Check (kiểm tra)', thanh_tra: 'Formal inspection (thanh tra)' },
    visitOn: 'Visit date',
    inspectionStages: {
      planned: 'Planned',
      noticed: 'Notice sent',
      visited: 'Visited, waiting for the conclusion',
      concluded: 'Concluded; recommendations being followed up',
      closed: 'Closed',
      cancelled: 'Cancelled',
    },
    conclusion: 'Conclusion',
    concludedOn: 'Concluded on',
    recommendations: 'Recommendations',
    noRecommendations: 'No recommendations yet.',
    recommendationNumber: 'No.',
    recommendationText: 'Recommendation',
    recommendationStates: {
      open: 'Waiting for your agency to act',
      reported: 'Reported by your agency, under review',
      closed: 'Closed',
    },
    recommendationReport: (n: number) => `Report on recommendation no. ${n}`,
    reportedBy: 'Reported by',
    remedySummary: 'What was done',
    evidence: 'Evidence',
    reportedAt: 'Reported on',
    reportSubmit: 'Send report',
    recommendationReported: (n: number) =>
      `Your report on recommendation no. ${n} was recorded. The inspectors will review it and let you know.`,
    reportRefused: 'Report on the recommendation not accepted',
    recommendationRefusals: {
      unknown: (n: string) => `There is no recommendation no. ${n} in your agency's inspection conclusion.`,
      inspectionOver: 'The inspection is over or was cancelled; no more reports can be sent.',
    },
    emailKind: 'Email',
    recipient: 'Recipient',
  },
} as const;
