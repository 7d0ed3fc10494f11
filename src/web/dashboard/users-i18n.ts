// Words of the dashboard's user management and one-time link pages, Vietnamese first. Pure.
import type { Lang } from '../i18n';
import type { UserProblem } from '../../auth/user-admin';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../auth/password';

export const USERS_WORDS = {
  vi: {
    link: 'Người dùng',
    title: 'Người dùng và phạm vi',
    intro:
      'Mỗi người có một vai trò (điều phối, kiểm tra hoặc xem) trên mọi kế hoạch, hoặc chỉ trên các kế hoạch được nêu tên và các kế hoạch do cơ quan chủ trì được nêu tên chủ trì.',
    login: 'Tên đăng nhập',
    name: 'Họ và tên',
    role: 'Vai trò',
    scope: 'Phạm vi',
    allPrograms: 'Mọi kế hoạch',
    somePrograms: 'Chỉ các kế hoạch dưới đây',
    programs: 'Mã kế hoạch (mỗi dòng một mã)',
    leads: 'Mã cơ quan chủ trì (mỗi dòng một mã): mọi kế hoạch do cơ quan đó chủ trì',
    administrator: 'Quản trị viên (quản lý người dùng)',
    status: 'Trạng thái',
    active: 'Đang hoạt động',
    disabled: 'Đã khóa',
    lastLogin: 'Đăng nhập gần nhất',
    never: 'Chưa đăng nhập',
    add: 'Thêm người dùng',
    save: 'Lưu vai trò và phạm vi',
    disable: 'Khóa tài khoản',
    enable: 'Mở khóa tài khoản',
    reset: 'Đặt lại mật khẩu (tạo liên kết dùng một lần mới)',
    edit: 'Sửa',
    back: 'Về danh sách người dùng',
    linkMade: (login: string) =>
      `Đã tạo liên kết dùng một lần cho ${login}. Hãy gửi liên kết này cho người dùng qua kênh tin cậy; liên kết chỉ hiển thị lần này, dùng được một lần trong 72 giờ.`,
    saved: 'Đã lưu.',
    loginLocked: (until: string) => `Đăng nhập đang bị tạm khóa đến ${until} (nhập sai mật khẩu nhiều lần).`,
    unlockLogin: 'Mở khóa đăng nhập',
    unlockedDone: 'Đã mở khóa đăng nhập; người này có thể đăng nhập lại ngay.',
    disabledDone: 'Đã khóa tài khoản; các phiên đăng nhập của người này đã kết thúc.',
    enabledDone: 'Đã mở khóa tài khoản.',
    fixBelow: 'Chưa lưu: hãy sửa các mục được đánh dấu bên dưới.',
    everyProgram: 'mọi kế hoạch',
    programList: (codes: string) => `kế hoạch ${codes}`,
    leadList: (codes: string) => `kế hoạch do ${codes} chủ trì`,
    setPasswordTitle: 'Đặt mật khẩu',
    setPasswordIntro: (name: string) => `Xin chào ${name}. Hãy chọn mật khẩu để đăng nhập trang quản lý.`,
    newPassword: 'Mật khẩu mới',
    repeatPassword: 'Nhập lại mật khẩu',
    setPassword: 'Đặt mật khẩu',
    passwordsDiffer: 'Hai lần nhập mật khẩu không giống nhau.',
    passwordSet: 'Đã đặt mật khẩu. Hãy đăng nhập bằng mật khẩu mới.',
    linkInvalidTitle: 'Liên kết không còn dùng được',
  },
  en: {
    link: 'Users',
    title: 'Users and scopes',
    intro:
      'Each person has a role (coordinator, inspector or viewer) on every program, or only on the programs named and the programs the named lead agencies lead.',
    login: 'Login',
    name: 'Full name',
    role: 'Role',
    scope: 'Scope',
    allPrograms: 'Every program',
    somePrograms: 'Only the programs below',
    programs: 'Program codes (one per line)',
    leads: 'Lead agency codes (one per line): every program that agency leads',
    administrator: 'Administrator (manages users)',
    status: 'Status',
    active: 'Active',
    disabled: 'Disabled',
    lastLogin: 'Last login',
    never: 'Never logged in',
    add: 'Add user',
    save: 'Save role and scope',
    disable: 'Disable account',
    enable: 'Enable account',
    reset: 'Reset password (make a new one-time link)',
    edit: 'Edit',
    back: 'Back to the users',
    linkMade: (login: string) =>
      `A one-time link was made for ${login}. Send it to them through a trusted channel; it is shown only now and works once within 72 hours.`,
    saved: 'Saved.',
    loginLocked: (until: string) => `Logins are locked until ${until} (too many wrong passwords).`,
    unlockLogin: 'Unlock logins',
    unlockedDone: 'Logins unlocked: they can log in again at once.',
    disabledDone: 'The account is disabled; their sessions have ended.',
    enabledDone: 'The account is enabled.',
    fixBelow: 'Not saved: correct the fields marked below.',
    everyProgram: 'every program',
    programList: (codes: string) => `programs ${codes}`,
    leadList: (codes: string) => `programs led by ${codes}`,
    setPasswordTitle: 'Set your password',
    setPasswordIntro: (name: string) =>
      `Hello ${name}. Choose the password you will log in to the dashboard with.`,
    newPassword: 'New password',
    repeatPassword: 'Repeat the password',
    setPassword: 'Set password',
    passwordsDiffer: 'The two passwords differ.',
    passwordSet: 'Your password is set. Log in with it.',
    linkInvalidTitle: 'This link no longer works',
  },
} as const;

const PROBLEMS: Record<UserProblem['code'], Record<Lang, string>> = {
  'bad-login': {
    vi: 'Tên đăng nhập gồm 2 đến 64 chữ thường không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới, bắt đầu bằng chữ hoặc số.',
    en: 'A login has 2 to 64 lowercase letters, digits, ".", "-" or "_", starting with a letter or digit.',
  },
  'login-taken': {
    vi: 'Đã có người dùng với tên đăng nhập này.',
    en: 'A user with this login already exists.',
  },
  'name-required': { vi: 'Cần nhập họ và tên.', en: 'A name is required.' },
  'name-too-long': { vi: 'Họ và tên dài quá 200 ký tự.', en: 'The name must have at most 200 characters.' },
  'bad-role': { vi: 'Hãy chọn một vai trò.', en: 'Choose a role.' },
  'scope-empty': {
    vi: 'Hãy nêu ít nhất một mã kế hoạch hoặc mã cơ quan chủ trì, hoặc chọn “Mọi kế hoạch”.',
    en: 'Name at least one program or lead agency code, or choose “Every program”.',
  },
  'bad-code': {
    vi: 'Mã chỉ gồm chữ không dấu, chữ số, gạch ngang và gạch dưới.',
    en: 'A code has only letters, digits, hyphens and underscores.',
  },
  'bad-password': {
    vi: `Mật khẩu phải có từ ${MIN_PASSWORD_LENGTH} đến ${MAX_PASSWORD_LENGTH} ký tự.`,
    en: `The password must have ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`,
  },
  'no-such-user': { vi: 'Không có người dùng này.', en: 'There is no such user.' },
  'not-yourself': {
    vi: 'Bạn không thể tự khóa tài khoản hay tự bỏ quyền quản trị của mình. Không có gì thay đổi.',
    en: 'You cannot disable your own account or remove your own administrator right. Nothing was changed.',
  },
  'link-invalid': {
    vi: 'Liên kết này đã được dùng, đã hết hạn hoặc không đúng. Hãy đề nghị quản trị viên tạo liên kết mới.',
    en: 'This link was used already, has expired or is wrong. Ask an administrator for a new one.',
  },
};

/** A problem as the page shows it next to its field. */
export function userProblemText(problem: UserProblem, lang: Lang): string {
  const text = PROBLEMS[problem.code][lang];
  return problem.code === 'bad-code' && problem.value ? `${text} (${problem.value})` : text;
}
