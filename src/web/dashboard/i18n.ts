// Words of the coordinators' dashboard, Vietnamese first. Pure.
import type { Lang } from '../i18n';

// The matrix's states and the group names are the exports' (src/reports/labels.ts): a page and the file
// downloaded from it say the same thing.
export { CELL_STATES, groupLabel, stateLabel, type CellState } from '../../reports/labels';

const CYCLE_STATUS: Record<string, Record<Lang, string>> = {
  planned: { vi: 'Đã lập kế hoạch', en: 'Planned' },
  running: { vi: 'Đang chạy', en: 'Running' },
  completed: { vi: 'Đã hoàn thành', en: 'Completed' },
  cancelled: { vi: 'Đã hủy', en: 'Cancelled' },
};

export function cycleStatusLabel(status: string, lang: Lang): string {
  return CYCLE_STATUS[status]?.[lang] ?? status;
}

const ROLE: Record<string, Record<Lang, string>> = {
  coordinator: { vi: 'Điều phối viên', en: 'Coordinator' },
  inspector: { vi: 'Cán bộ kiểm tra', en: 'Inspector' },
  viewer: { vi: 'Người xem', en: 'Viewer' },
};

export function roleLabel(role: string, lang: Lang): string {
  return ROLE[role]?.[lang] ?? role;
}

/** The coordinator's actions, by their URL segment. */
export const ACTIONS = ['accept', 'return', 'extend', 'waive', 'remind'] as const;
export type ActionName = (typeof ACTIONS)[number];

const ACTION_LABELS: Record<ActionName, Record<Lang, string>> = {
  accept: { vi: 'Chấp nhận', en: 'Accept' },
  return: { vi: 'Trả lại để hoàn thiện', en: 'Return for revision' },
  extend: { vi: 'Gia hạn', en: 'Extend' },
  waive: { vi: 'Miễn thực hiện', en: 'Waive' },
  remind: { vi: 'Nhắc ngay', en: 'Remind now' },
};

export function actionLabel(action: string, lang: Lang): string {
  return ACTION_LABELS[action as ActionName]?.[lang] ?? action;
}

/** Audit actions as a person reads them. */
const AUDIT_ACTIONS: Record<string, Record<Lang, string>> = {
  'obligation.accept': { vi: 'Chấp nhận', en: 'Accepted' },
  'obligation.return': { vi: 'Trả lại để hoàn thiện', en: 'Returned for revision' },
  'obligation.extend': { vi: 'Gia hạn', en: 'Extended' },
  'obligation.waive': { vi: 'Miễn thực hiện', en: 'Waived' },
  'obligation.remind': { vi: 'Nhắc ngay', en: 'Reminded now' },
  'obligation.request-extension': { vi: 'Đơn vị xin gia hạn', en: 'Extension requested by the agency' },
  'task-link.revoke': { vi: 'Thu hồi đường liên kết', en: 'Link revoked' },
  'obligation.deny-extension': { vi: 'Không đồng ý gia hạn', en: 'Extension denied' },
  'user.end-other-sessions': { vi: 'Đăng xuất khỏi mọi nơi khác', en: 'Other sessions ended' },
  'user.unlock': { vi: 'Mở khóa đăng nhập', en: 'Logins unlocked' },
};

export function auditActionLabel(action: string, lang: Lang): string {
  return AUDIT_ACTIONS[action]?.[lang] ?? action;
}

export const DASH = {
  vi: {
    appName: 'Phối hợp – Trang quản lý',
    skip: 'Bỏ qua đến nội dung',
    switchLang: 'English',
    loginTitle: 'Đăng nhập',
    login: 'Tên đăng nhập',
    password: 'Mật khẩu',
    signIn: 'Đăng nhập',
    logout: 'Đăng xuất',
    account: 'Tài khoản của tôi',
    accountName: 'Họ và tên',
    accountRole: 'Vai trò',
    sessionsTitle: 'Các phiên đăng nhập',
    otherSessions: (n: number) =>
      n === 0
        ? 'Ngoài phiên này, bạn không còn phiên đăng nhập nào khác đang mở.'
        : `Ngoài phiên này, bạn còn ${n} phiên đăng nhập đang mở trên trình duyệt hoặc thiết bị khác.`,
    endOthers: 'Đăng xuất khỏi mọi nơi khác',
    endedOthers: (n: number) => `Đã kết thúc ${n} phiên đăng nhập khác.`,
    loginFailed: 'Tên đăng nhập hoặc mật khẩu không đúng. Vui lòng thử lại.',
    accountLocked: (minutes: number) =>
      `Tài khoản này tạm thời bị khóa vì đăng nhập sai nhiều lần. Vui lòng thử lại sau ${minutes} phút, hoặc nhờ điều phối viên mở khóa.`,
    addressLocked: (minutes: number) =>
      `Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này. Vui lòng thử lại sau ${minutes} phút.`,
    loginCeiling: (minutes: number) =>
      `Hệ thống đang nhận quá nhiều lần đăng nhập sai nên tạm dừng đăng nhập. Vui lòng thử lại sau ${minutes} phút.`,
    loginBusy: 'Hệ thống đang bận kiểm tra đăng nhập. Vui lòng thử lại sau ít giây.',
    loggedOut: 'Bạn đã đăng xuất.',
    sessionEnded: 'Phiên làm việc đã kết thúc. Vui lòng đăng nhập lại.',
    signedInAs: 'Đang đăng nhập:',
    cycles: 'Các chu trình',
    noCycles: 'Chưa có chu trình nào.',
    program: 'Kế hoạch',
    year: 'Năm',
    status: 'Trạng thái',
    agencies: 'Đơn vị',
    obligations: 'Nhiệm vụ',
    open: 'Xem',
    matrix: 'Bảng theo dõi',
    agency: 'Đơn vị',
    group: 'Nhóm đơn vị',
    allGroups: 'Tất cả nhóm',
    state: 'Trạng thái',
    allStates: 'Tất cả trạng thái',
    search: 'Tìm theo tên hoặc mã',
    filter: 'Lọc',
    clear: 'Bỏ lọc',
    legend: 'Chú giải',
    counts: 'Số lượng theo trạng thái',
    countsNote: 'Đếm trên các đơn vị khớp nhóm và từ khóa tìm kiếm.',
    shown: (n: number, total: number) => `Hiển thị ${n} / ${total} đơn vị.`,
    noMatch: 'Không có đơn vị nào khớp bộ lọc.',
    page: 'Trang',
    previous: '‹ Trang trước',
    next: 'Trang sau ›',
    notOwed: 'Không phải nộp',
    milestone: 'Nhiệm vụ',
    due: 'Hạn',
    lateBy: 'Muộn',
    lateDays: (n: number) => `${n} ngày làm việc`,
    flagged: 'Nêu tên trong báo cáo',
    yes: 'Có',
    no: 'Không',
    timeline: 'Diễn biến',
    when: 'Thời điểm',
    what: 'Sự việc',
    detail: 'Chi tiết',
    emailSent: 'Thư đã gửi',
    /** A message read from the replies mailbox, by what it came to. */
    inbound: (kind: string, status: string): string =>
      kind === 'auto_reply'
        ? 'Thư trả lời tự động (không xử lý)'
        : ((
            {
              received: 'Thư trả lời: đang xử lý',
              submitted: 'Thư trả lời: đã ghi nhận là văn bản nộp',
              held: 'Thư trả lời: chờ xem xét',
              portal: 'Thư trả lời: đã hướng dẫn nộp trên trang nhiệm vụ',
              recorded: 'Thư trả lời: đã ghi nhận',
              accepted: 'Thư trả lời: cán bộ đã ghi nhận là văn bản nộp',
              rejected: 'Thư trả lời: cán bộ không ghi nhận',
            } as Record<string, string>
          )[status] ?? status),
    inboundHeld: (reason: string): string =>
      ({
        'unknown-sender': 'địa chỉ gửi không phải của đơn vị',
        'auth-failed': 'thư không vượt qua kiểm tra xác thực người gửi (SPF/DKIM/DMARC)',
        'no-match': 'không khớp nhiệm vụ nào',
        files: 'tệp đính kèm không hợp lệ',
        'no-files': 'không có tệp đính kèm',
        closed: 'nhiệm vụ không nhận thêm văn bản',
        other: 'cần cán bộ xem xét',
      })[reason] ?? reason,
    emailFailed: 'Thư gửi lỗi',
    emailRetrying: (n: number) => `Thư chưa gửi được, đang tự gửi lại (đã thử ${n} lần)`,
    mailBacklog: (n: number) =>
      `${n} thư chưa gửi được: máy chủ thư chưa nhận, hệ thống đang tự gửi lại. Xem lỗi trên trang của từng đơn vị hoặc trong Temporal UI.`,
    submission: 'Văn bản nộp',
    receipt: 'Số tiếp nhận',
    submittedBy: 'Người chịu trách nhiệm',
    figures: 'Số liệu',
    attachments: 'Tệp đính kèm',
    download: 'Tải xuống',
    nothingYet: 'Chưa có diễn biến nào.',
    temporalLink: 'Xem quy trình trong Temporal',
    backToMatrix: '‹ Về bảng theo dõi',
    backToCycles: '‹ Về danh sách chu trình',
    actions: 'Thao tác',
    reason: 'Lý do',
    newDate: 'Hạn mới',
    newDateOptional: 'Hạn mới (không bắt buộc; mặc định thêm 5 ngày làm việc)',
    done: 'Đã thực hiện',
    refused: 'Bị từ chối',
    by: 'Người thực hiện',
    viewerNote: 'Bạn chỉ có quyền xem.',
    cycleClosedNote: 'Chu trình này đã kết thúc: các nhiệm vụ không còn thao tác được nữa.',
    planNumber: (number: string) => `Kế hoạch số ${number}`,
    forbidden: 'Không được phép',
    forbiddenBody: 'Tài khoản của bạn không có quyền thực hiện thao tác này. Không có gì thay đổi.',
    csrfTitle: 'Biểu mẫu không hợp lệ',
    csrfBody:
      'Biểu mẫu đã hết hạn hoặc không được gửi từ trang này. Không có gì thay đổi. Hãy tải lại trang và thử lại.',
    notFound: 'Không tìm thấy',
    badRequest: 'Yêu cầu không hợp lệ',
    notFoundBody: 'Trang hoặc tệp này không tồn tại.',
    unavailable: 'Tạm thời không thực hiện được',
    dbUnavailableBody:
      'Không kết nối được với cơ sở dữ liệu. Không có gì thay đổi. Vui lòng thử lại sau ít phút.',
    unavailableBody:
      'Không kết nối được với hệ thống quy trình (Temporal). Không có gì thay đổi. Vui lòng thử lại sau.',
    reasonRequired: 'Cần nêu lý do.',
    dateInvalid: (v: string) => `“${v}” không phải là ngày hợp lệ (dạng YYYY-MM-DD).`,
    dateRequired: 'Cần chọn hạn mới.',
    formExpired: 'Biểu mẫu đã hết hạn; hãy tải lại trang.',
    unknownMilestone: 'Đơn vị không có nhiệm vụ này trong chu trình.',
    links: 'Đường liên kết nhiệm vụ',
    linksNote:
      'Mỗi người nhận thư có đường liên kết riêng. Thu hồi một đường liên kết không ảnh hưởng đến người khác; ' +
      'để gửi đường liên kết mới cho cán bộ đầu mối hiện tại, dùng “Nhắc ngay” ở nhiệm vụ tương ứng.',
    noLinks: 'Chưa có đường liên kết nào được gửi.',
    linkRecipient: 'Người nhận',
    linkKey: 'Khóa',
    linkIssued: 'Cấp lúc',
    linkState: 'Tình trạng',
    linkLive: 'Đang dùng được',
    linkRevokedAt: (when: string, by: string) => `Đã thu hồi lúc ${when} (${by})`,
    revokeLink: 'Thu hồi',
    resendLink: 'Gửi đường liên kết mới cho người này',
    linkRevoked: (recipient: string) => `Đã thu hồi đường liên kết của ${recipient}.`,
    linkAlreadyRevoked: 'Đường liên kết này đã được thu hồi trước đó.',
    unknownLink: 'Không có đường liên kết này ở đơn vị trong chu trình.',
    revokeReasonRequired: 'Vui lòng ghi lý do thu hồi (tối đa 2000 ký tự).',
    workflowGone: 'Quy trình của đơn vị này đã kết thúc.',
    nav: 'Điều hướng chính',
    directory: 'Danh bạ đơn vị',
    programs: 'Chương trình',
    startCycles: 'Khởi động & lịch',
    exportsTitle: 'Tải xuống',
    matrixExport: 'Bảng theo dõi (theo bộ lọc đang chọn):',
    submissionsExport: 'Danh sách văn bản đã nộp:',
    reportExport: 'Báo cáo tổng hợp (bản lưu khi kết thúc chu trình; trước đó: bản tạm tính đến hôm nay):',
    downloadXlsx: 'Tải XLSX',
    downloadCsv: 'Tải CSV',
  },
  en: {
    appName: 'Phối hợp – Coordinators’ dashboard',
    skip: 'Skip to content',
    switchLang: 'Tiếng Việt',
    loginTitle: 'Log in',
    login: 'Login',
    password: 'Password',
    signIn: 'Log in',
    logout: 'Log out',
    account: 'My account',
    accountName: 'Name',
    accountRole: 'Role',
    sessionsTitle: 'Sessions',
    otherSessions: (n: number) =>
      n === 0
        ? 'Besides this one, you have no other session open.'
        : `Besides this one, you have ${n} session${n === 1 ? '' : 's'} open in other browsers or devices.`,
    endOthers: 'Log out everywhere else',
    endedOthers: (n: number) => `${n} other session${n === 1 ? '' : 's'} ended.`,
    loginFailed: 'Wrong login or password. Please try again.',
    accountLocked: (minutes: number) =>
      `This account is locked for a while after too many failed logins. Please try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}, or ask a coordinator to unlock it.`,
    addressLocked: (minutes: number) =>
      `Too many failed logins from this network address. Please try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`,
    loginCeiling: (minutes: number) =>
      `Logins are paused after too many failed attempts. Please try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`,
    loginBusy: 'The system is busy checking logins. Please try again in a few seconds.',
    loggedOut: 'You have logged out.',
    sessionEnded: 'Your session has ended. Please log in again.',
    signedInAs: 'Logged in as',
    cycles: 'Cycles',
    noCycles: 'No cycles yet.',
    program: 'Program',
    year: 'Year',
    status: 'Status',
    agencies: 'Agencies',
    obligations: 'Obligations',
    open: 'Open',
    matrix: 'Tracking matrix',
    agency: 'Agency',
    group: 'Agency group',
    allGroups: 'All groups',
    state: 'State',
    allStates: 'All states',
    search: 'Search by name or code',
    filter: 'Filter',
    clear: 'Clear filters',
    legend: 'Legend',
    counts: 'Counts per state',
    countsNote: 'Counted over the agencies matching the group and search.',
    shown: (n: number, total: number) => `Showing ${n} of ${total} agencies.`,
    noMatch: 'No agency matches the filters.',
    page: 'Page',
    previous: '‹ Previous page',
    next: 'Next page ›',
    notOwed: 'Not owed',
    milestone: 'Milestone',
    due: 'Due',
    lateBy: 'Late by',
    lateDays: (n: number) => `${n} working day${n === 1 ? '' : 's'}`,
    flagged: 'Named in the report',
    yes: 'Yes',
    no: 'No',
    timeline: 'Timeline',
    when: 'When',
    what: 'What',
    detail: 'Details',
    emailSent: 'Email sent',
    inbound: (kind: string, status: string): string =>
      kind === 'auto_reply'
        ? 'Automatic reply (not acted on)'
        : ((
            {
              received: 'Reply: being processed',
              submitted: 'Reply: recorded as a submission',
              held: 'Reply: awaiting review',
              portal: 'Reply: sent to the task page',
              recorded: 'Reply: recorded',
              accepted: 'Reply: accepted as a submission by a coordinator',
              rejected: 'Reply: turned down by a coordinator',
            } as Record<string, string>
          )[status] ?? status),
    inboundHeld: (reason: string): string =>
      ({
        'unknown-sender': 'the sender is not the agency’s',
        'auth-failed': 'failed the sender checks (SPF/DKIM/DMARC)',
        'no-match': 'matches no task',
        files: 'attachments refused',
        'no-files': 'no attachments',
        closed: 'the task takes no more submissions',
        other: 'needs a coordinator',
      })[reason] ?? reason,
    emailFailed: 'Email failed',
    emailRetrying: (n: number) => `Email not sent yet, retrying (${n} attempts so far)`,
    mailBacklog: (n: number) =>
      `${n} email${n === 1 ? '' : 's'} not sent yet: the mail server has not taken ${n === 1 ? 'it' : 'them'}, and sending is being retried. See the error on each agency's page or in the Temporal UI.`,
    submission: 'Submission',
    receipt: 'Receipt number',
    submittedBy: 'Person responsible',
    figures: 'Figures',
    attachments: 'Attachments',
    download: 'Download',
    nothingYet: 'Nothing has happened yet.',
    temporalLink: 'Open the workflow in Temporal',
    backToMatrix: '‹ Back to the matrix',
    backToCycles: '‹ Back to the cycles',
    actions: 'Actions',
    reason: 'Reason',
    newDate: 'New due date',
    newDateOptional: 'New due date (optional; default 5 working days from today)',
    done: 'Done',
    refused: 'Refused',
    by: 'By',
    viewerNote: 'You can read only.',
    cycleClosedNote: 'This cycle has ended: its obligations can no longer be acted on.',
    planNumber: (number: string) => `Plan No. ${number}`,
    forbidden: 'Not allowed',
    forbiddenBody: 'Your account may not do this. Nothing was changed.',
    csrfTitle: 'Invalid form',
    csrfBody:
      'The form has expired or was not sent from this site. Nothing was changed. Reload the page and try again.',
    notFound: 'Not found',
    badRequest: 'Invalid request',
    notFoundBody: 'This page or file does not exist.',
    unavailable: 'Cannot do this right now',
    dbUnavailableBody:
      'The database cannot be reached. Nothing was changed. Please try again in a few minutes.',
    unavailableBody:
      'The workflow service (Temporal) cannot be reached. Nothing was changed. Please try again later.',
    reasonRequired: 'A reason is required.',
    dateInvalid: (v: string) => `“${v}” is not a valid date (YYYY-MM-DD).`,
    dateRequired: 'A new due date is required.',
    formExpired: 'The form has expired; reload the page.',
    unknownMilestone: 'The agency owes no such milestone in this cycle.',
    links: 'Task links',
    linksNote:
      'Each person emailed has a link of their own. Revoking one leaves the others working; to send the ' +
      'focal point now in charge a new link, use “Remind now” on the task.',
    noLinks: 'No links sent yet.',
    linkRecipient: 'Recipient',
    linkKey: 'Key',
    linkIssued: 'Issued',
    linkState: 'State',
    linkLive: 'Working',
    linkRevokedAt: (when: string, by: string) => `Revoked at ${when} (${by})`,
    revokeLink: 'Revoke',
    resendLink: 'Send this person a fresh link',
    linkRevoked: (recipient: string) => `The link of ${recipient} is revoked.`,
    linkAlreadyRevoked: 'This link was already revoked.',
    unknownLink: 'The agency has no such link in this cycle.',
    revokeReasonRequired: 'Please give the reason for revoking (at most 2000 characters).',
    workflowGone: 'This agency’s workflow has ended.',
    nav: 'Main navigation',
    directory: 'Agency directory',
    programs: 'Programs',
    startCycles: 'Start & schedule',
    exportsTitle: 'Downloads',
    matrixExport: 'Tracking matrix (with the current filters):',
    submissionsExport: 'Submissions list:',
    reportExport:
      'Consolidated report (as stored when the cycle ended; before that, provisional as of today):',
    downloadXlsx: 'Download XLSX',
    downloadCsv: 'Download CSV',
  },
} satisfies Record<Lang, Record<string, unknown>>;

export type DashWords = (typeof DASH)['vi'];
