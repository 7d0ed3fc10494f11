// Words of the dashboard's directory pages (list, agency and contacts, import), Vietnamese first. Pure.
import type { Lang } from '../i18n';

const ROLES: Record<string, Record<Lang, string>> = {
  focal_point: { vi: 'Cán bộ đầu mối', en: 'Focal point' },
  head: { vi: 'Thủ trưởng đơn vị', en: 'Head' },
  deputy: { vi: 'Cấp phó phụ trách', en: 'Deputy' },
};

export function contactRoleLabel(role: string, lang: Lang): string {
  return ROLES[role]?.[lang] ?? role;
}

const FIELDS: Record<string, Record<Lang, string>> = {
  name: { vi: 'Tên đơn vị', en: 'Name' },
  nameEn: { vi: 'Tên tiếng Anh', en: 'English name' },
  group: { vi: 'Nhóm đơn vị', en: 'Group' },
  parentCode: { vi: 'Đơn vị cấp trên', en: 'Parent agency' },
};

/** An agency field of the preview's changes. */
export function agencyFieldLabel(field: string, lang: Lang): string {
  return FIELDS[field]?.[lang] ?? field;
}

const SAVE_AGAIN_VI =
  'hãy mở tệp bằng Excel và lưu riêng bảng danh bạ thành “Excel Workbook (*.xlsx)” hoặc “CSV UTF-8”.';
const SAVE_SMALLER_VI =
  'hãy lưu riêng bảng danh bạ (trang tính đầu tiên, chỉ các dòng và cột của bảng) thành ' +
  '“Excel Workbook (*.xlsx)” hoặc “CSV UTF-8” rồi nhập lại.';

/**
 * A problem found by the directory code (which words it in English), as a coordinator reads it; a problem
 * without a known wording is shown as given.
 */
export function directoryProblem(message: string, lang: Lang): string {
  return translatedProblem(withoutFolders(message), lang);
}

/**
 * A directory's source as pages show it: the file's name without the folders it was read from (an import
 * from the command line records the path it was given, which says nothing to a coordinator and tells a
 * visitor where the server keeps its files).
 */
export function sourceName(source: string): string {
  return withoutFolders(source);
}

/**
 * Every absolute or explicitly relative path in a text ("/srv/…", "./…", "C:\\…") reduced to its last part:
 * "/srv/phoihop/data/dir.csv" → "dir.csv". A workbook's part ("xl/worksheets/sheet1.xml") is kept.
 */
function withoutFolders(text: string): string {
  return text.replace(
    /(?<![^\s"“(])(?:[A-Za-z]:\\|\.{0,2}\/|~\/)(?:[^\s"“”()/\\,;:]+[/\\])*([^\s"“”()/\\,;:]+)/g,
    '$1',
  );
}

function translatedProblem(message: string, lang: Lang): string {
  if (lang === 'en') return message;
  const known: [RegExp, (m: RegExpExecArray) => string][] = [
    // A row's fields (validate.ts, edit-contact.ts).
    [/^missing code$/, () => 'Thiếu mã đơn vị.'],
    [
      /^code "(.*)" is not valid: use A-Z, 0-9 and single hyphens, e.g. (\S+)$/,
      (m) => `Mã “${m[1]}” không hợp lệ: chỉ dùng chữ in hoa A–Z, chữ số và dấu gạch nối đơn, ví dụ ${m[2]}.`,
    ],
    [/^missing name$/, () => 'Thiếu tên đơn vị.'],
    [/^missing group; expected one of: (.*)$/, (m) => `Thiếu nhóm đơn vị; dùng một trong các nhóm: ${m[1]}.`],
    [
      /^missing (focal point|head)$/,
      (m) => `Thiếu ${m[1] === 'head' ? 'thủ trưởng đơn vị' : 'cán bộ đầu mối'}.`,
    ],
    [/^missing (.+) name$/, () => 'Cần nhập họ và tên.'],
    [/^missing (.+) email$/, () => 'Cần nhập địa chỉ email.'],
    [/^"(.*)" is not a valid email address$/, (m) => `“${m[1]}” không phải là địa chỉ email hợp lệ.`],
    [
      /^a directory import takes effect on (\S+) \((.*)\), after (\S+)/,
      (m) =>
        `Một lần nhập danh bạ (${m[2]}) có hiệu lực từ ${fmt(m[1]!)}, sau ngày ${fmt(m[3]!)}: ` +
        'sửa ở ngày sớm hơn sẽ bị mất vào ngày đó. Hãy sửa liên hệ trong tệp đó và nhập lại.',
    ],
    [
      /^agency (\S+) is not in the directory in force on (\S+)$/,
      (m) => `Đơn vị ${m[1]} không có trong danh bạ có hiệu lực ngày ${fmt(m[2]!)}.`,
    ],
    [/^agency (\S+) has no /, (m) => `Đơn vị ${m[1]} không có liên hệ này (có thể vừa được sửa).`],
    [
      /^effective date (\S+) is earlier than the latest import \((\S+), (.*)\)/,
      (m) =>
        `Ngày hiệu lực ${fmt(m[1]!)} sớm hơn lần nhập gần nhất (${fmt(m[2]!)}, ${m[3]}): danh bạ chỉ ` +
        `cập nhật tiến về phía trước; hãy chọn ngày từ ${fmt(m[2]!)} trở đi.`,
    ],
    [/^an agency cannot be its own parent$/, () => 'Một đơn vị không thể là đơn vị cấp trên của chính nó.'],
    [
      /^unknown parent "(.*)": no row of this file has that code$/,
      (m) => `Không có đơn vị cấp trên “${m[1]}”: không dòng nào của tệp có mã này.`,
    ],
    [/^circular parents: (.*)$/, (m) => `Đơn vị cấp trên lòng vòng: ${m[1]}.`],
    // The file's shape (csv.ts).
    [
      /^the line has bytes that are not UTF-8 while the rest of the file is UTF-8/,
      () =>
        'Dòng này có byte không phải UTF-8 trong khi phần còn lại của tệp là UTF-8 (có lẽ tệp được ghép từ ' +
        'các tệp lưu bằng bảng mã khác nhau): hãy lưu tệp thành “CSV UTF-8” rồi nhập lại.',
    ],
    [
      /^the line is neither UTF-8 nor Vietnamese Windows-1258 text/,
      () =>
        'Dòng này không phải văn bản UTF-8 cũng không phải Windows-1258 tiếng Việt (có lẽ tệp được lưu bằng ' +
        'bảng mã khác như TCVN3 hoặc VNI): hãy lưu tệp thành “CSV UTF-8” rồi nhập lại.',
    ],
    [
      /^the line looks like UTF-8 text that was opened as Windows-1252/,
      () =>
        'Dòng có vẻ là văn bản UTF-8 đã bị mở như Windows-1252 (ví dụ “Sá»Ÿ” thay cho “Sở”): hãy xuất lại ' +
        'tệp gốc thành “CSV UTF-8”.',
    ],
    [
      /^not valid CSV: .*quote.* line (\d+)/i,
      (m) =>
        `Tệp CSV không hợp lệ: có dấu ngoặc kép mở mà không đóng (gần dòng ${m[1]}); hãy sửa ô đó hoặc lưu ` +
        'lại tệp thành “CSV UTF-8”.',
    ],
    [
      /^not valid CSV: .*?(?:line (\d+))?[^\d]*$/,
      (m) =>
        `Tệp CSV không hợp lệ${m[1] ? ` (gần dòng ${m[1]})` : ''}: hãy mở tệp bằng Excel và lưu lại thành ` +
        '“CSV UTF-8”.',
    ],
    [/^the file is empty: expected a header line$/, () => 'Tệp rỗng: dòng đầu phải là dòng tên cột.'],
    [
      /^the header has a single column: separate the columns/,
      () =>
        'Dòng tên cột chỉ có một cột: các cột phải ngăn cách bằng dấu phẩy, dấu chấm phẩy hoặc dấu tab ' +
        '(hãy lưu tệp thành “CSV UTF-8”).',
    ],
    [
      /^unknown column "(.*)"; expected columns: (.*)$/,
      (m) => `Cột “${m[1]}” không có trong mẫu danh bạ; các cột dùng được: ${m[2]}.`,
    ],
    [/^duplicate column "(.*)"$/, (m) => `Cột “${m[1]}” bị lặp lại.`],
    [
      /^missing column "(.*)" \(required columns: (.*)\)$/,
      (m) => `Thiếu cột “${m[1]}” (các cột bắt buộc: ${m[2]}).`,
    ],
    [
      /^the row has (\d+) fields but the header has (\d+) columns/,
      (m) =>
        `Dòng có ${m[1]} ô nhưng dòng tên cột có ${m[2]} cột (kiểm tra dấu phẩy thiếu hoặc thừa, hoặc đặt ` +
        'trong ngoặc kép giá trị có dấu phẩy).',
    ],
    [/^the value contains a line break$/, () => 'Giá trị có dấu xuống dòng.'],
    // A workbook's cells (xlsx-read.ts).
    [
      /^cell (\S+): the cell holds a date;/,
      (m) => `Ô ${m[1]} chứa giá trị ngày tháng; ô của danh bạ là văn bản: hãy định dạng cột là Text.`,
    ],
    [/^cell (\S+): the cell holds the error (.*)$/, (m) => `Ô ${m[1]} chứa lỗi ${m[2]}.`],
    [
      /^cell (\S+): the cell holds a formula without a saved value/,
      (m) => `Ô ${m[1]} chứa công thức chưa có giá trị lưu: hãy dán lại dưới dạng giá trị.`,
    ],
    [
      /^cell (\S+): the cell holds a formula whose value is not text/,
      (m) => `Ô ${m[1]} chứa công thức có giá trị không phải văn bản: hãy dán lại dưới dạng giá trị.`,
    ],
    [
      /^cell (\S+) has a value but its column has no header: delete it, or add the column name in row (\d+)$/,
      (m) =>
        `Ô ${m[1]} có giá trị nhưng cột của nó không có tên: hãy xóa ô đó hoặc thêm tên cột ở dòng ${m[2]}.`,
    ],
    [
      /^cell (\S+) holds the number (\S+), so Excel has dropped any leading zero/,
      (m) =>
        `Ô ${m[1]} chứa số ${m[2]} nên Excel đã bỏ số 0 ở đầu số điện thoại: hãy định dạng cột là Text rồi ` +
        'nhập lại số.',
    ],
    [/^the workbook has no worksheet$/, () => 'Tệp Excel không có trang tính nào.'],
    [
      /^the file is a ZIP archive but not a readable Excel workbook/,
      () => `Tệp là một tệp nén ZIP nhưng không phải tệp Excel đọc được: ${SAVE_AGAIN_VI}`,
    ],
    [/^the workbook could not be read \(/, () => `Không đọc được tệp Excel: ${SAVE_AGAIN_VI}`],
    [
      /^not an Excel workbook \(\.xlsx files are ZIP archives/,
      () =>
        'Tệp không phải tệp Excel (.xlsx là tệp nén ZIP, tệp này không phải): hãy lưu từ Excel thành ' +
        '“Excel Workbook (*.xlsx)” hoặc “CSV UTF-8”; tệp .xls cũ không đọc được.',
    ],
    [
      /^old Excel 97-2003 \(\.xls\) files are not read/,
      () =>
        'Tệp Excel 97-2003 (.xls) cũ không đọc được: hãy lưu thành “Excel Workbook (*.xlsx)” hoặc “CSV UTF-8”.',
    ],
    // An import against the directory in force (import.ts, preview.ts).
    [
      /^the file is not the one previewed/,
      () => 'Tệp không phải tệp đã xem trước: hãy xem trước lại trước khi nhập.',
    ],
    [
      /^the directory changed since the preview/,
      () =>
        'Danh bạ đã thay đổi từ lúc xem trước (một lần nhập khác hoặc một lần sửa liên hệ): hãy xem trước lại tệp.',
    ],
    [/^no agencies: an empty directory/, () => 'Tệp không có đơn vị nào: danh bạ rỗng sẽ đóng mọi đơn vị.'],
    [
      /^unknown group "(.*)"; expected one of: (.*)$/,
      (m) => `Nhóm đơn vị “${m[1]}” không hợp lệ; dùng một trong các nhóm: ${m[2]}.`,
    ],
    [
      /^duplicate code "(.*)" \(first on line (\d+)\)$/,
      (m) => `Mã “${m[1]}” bị trùng (đã có ở dòng ${m[2]}).`,
    ],
    [
      /^code (\S+) belonged to an agency that ceased on (\S+);/,
      (m) =>
        `Mã ${m[1]} đã thuộc một đơn vị hết hiệu lực từ ${fmt(m[2]!)}; mã không được dùng lại: hãy đặt mã mới.`,
    ],
    // A workbook beyond a directory's size (xlsx-archive.ts, xlsx-read.ts, xlsx.ts).
    [
      /^the workbook's archive has (\d+) entries, more than the (\d+)/,
      (m) =>
        `Tệp Excel (một tệp nén ZIP) có ${m[1]} thành phần, nhiều hơn ${m[2]} thành phần mà một tệp danh bạ ` +
        `có thể có: ${SAVE_AGAIN_VI}`,
    ],
    [
      /^the workbook unpacks to more than (\d+) MB/,
      (m) => `Tệp Excel khi giải nén lớn hơn ${m[1]} MB, vượt quá cỡ của một tệp danh bạ: ${SAVE_AGAIN_VI}`,
    ],
    [
      /^the workbook's part (\S+) is compressed (\d+) times, far more than a spreadsheet is \(at most (\d+)\)/,
      (m) =>
        `Thành phần ${m[1]} của tệp Excel bị nén tới ${m[2]} lần, cao bất thường so với một bảng tính ` +
        `(tối đa ${m[3]} lần): tệp bị từ chối vì có thể là “bom ZIP”; ${SAVE_AGAIN_VI}`,
    ],
    [
      /^cell (\S+) lies beyond column (\d+), far outside/,
      (m) =>
        `Ô ${m[1]} nằm ngoài cột thứ ${m[2]}, quá xa bảng danh bạ: hãy xóa các cột sau bảng (giá trị hoặc ` +
        'định dạng ở xa bên phải) rồi lưu tệp lại.',
    ],
    [
      /^the worksheet reaches row (\d+), more than the (\d+) rows/,
      (m) =>
        `Trang tính kéo dài tới dòng ${m[1]}, nhiều hơn ${m[2]} dòng mà một danh bạ có thể có: hãy xóa các ` +
        'dòng sau bảng (giá trị hoặc định dạng ở xa bên dưới) rồi lưu tệp lại.',
    ],
    [
      /^the workbook could not be read within (\S+) seconds/,
      (m) => `Không đọc xong tệp Excel trong ${m[1]} giây: ${SAVE_SMALLER_VI}`,
    ],
    [
      /^the workbook needs more than (\d+) MB of memory to read/,
      (m) => `Tệp Excel cần hơn ${m[1]} MB bộ nhớ để đọc: ${SAVE_SMALLER_VI}`,
    ],
  ];
  for (const [re, text] of known) {
    const m = re.exec(message);
    if (m) return text(m);
  }
  return message;
}

function fmt(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

export const DIR = {
  vi: {
    title: 'Danh bạ đơn vị',
    inForce: (date: string) => `Các đơn vị có hiệu lực ngày ${date}.`,
    revision: (date: string, source: string) => `Theo danh bạ có hiệu lực từ ${date} (${source}).`,
    noRevision: 'Chưa nhập danh bạ nào.',
    search: 'Tìm theo tên hoặc mã',
    group: 'Nhóm đơn vị',
    allGroups: 'Tất cả nhóm',
    filter: 'Lọc',
    clear: 'Bỏ lọc',
    count: (n: number, total: number) => `${n} / ${total} đơn vị.`,
    none: 'Không có đơn vị nào khớp bộ lọc.',
    code: 'Mã',
    name: 'Tên đơn vị',
    contacts: 'Liên hệ',
    importLink: 'Nhập danh bạ từ tệp (CSV/XLSX)',
    applied: (date: string, n: number) => `Đã áp dụng danh bạ mới, có hiệu lực từ ${date}: ${n} đơn vị.`,
    appliedNoop: 'Nội dung tệp giống danh bạ hiện hành: không có gì thay đổi.',
    backToList: '‹ Về danh bạ',
    agencyTitle: 'Thông tin đơn vị',
    nameEn: 'Tên tiếng Anh',
    parent: 'Đơn vị cấp trên',
    effectiveFrom: 'Có hiệu lực từ',
    effectiveTo: 'Hết hiệu lực từ',
    noContact: 'Chưa có',
    contactName: 'Họ và tên',
    email: 'Email',
    phone: 'Điện thoại',
    editContact: 'Sửa liên hệ',
    editFrom: 'Áp dụng từ ngày (để trống: hôm nay)',
    save: 'Lưu thay đổi',
    saved: (who: string) => `Đã lưu thay đổi liên hệ (${who}).`,
    unchanged: 'Các giá trị giống như cũ: không có gì thay đổi.',
    notSaved: 'Chưa lưu: hãy sửa các lỗi dưới đây. Không có gì thay đổi.',
    readOnly: 'Bạn chỉ có quyền xem danh bạ.',
    tooLong: (n: number) => `Tối đa ${n} ký tự.`,
    dateInvalid: (v: string) => `“${v}” không phải là ngày hợp lệ (dạng YYYY-MM-DD).`,
    importTitle: 'Nhập danh bạ',
    importIntro:
      'Tệp CSV hoặc XLSX nêu toàn bộ danh bạ có hiệu lực từ ngày đã chọn: đơn vị không có trong tệp sẽ hết hiệu lực từ ngày đó. Tệp CSV được đọc đúng như Excel, LibreOffice hay Google Sheets lưu (UTF-8, Unicode hoặc Windows-1258; ngăn cách bằng dấu phẩy, dấu chấm phẩy hoặc tab). Trước khi áp dụng, bạn sẽ xem các thay đổi.',
    columns: 'Các cột bắt buộc:',
    file: 'Tệp danh bạ (CSV hoặc XLSX, tối đa 5 MB)',
    importFrom: 'Có hiệu lực từ ngày',
    previewButton: 'Xem trước thay đổi',
    fileRequired: 'Cần chọn một tệp CSV hoặc XLSX.',
    fileEmpty: 'Tệp rỗng.',
    fileTooLarge: (max: string) => `Tệp lớn hơn ${max}. Không có gì thay đổi.`,
    fileType: (name: string) =>
      `“${name}” không phải là tệp CSV, văn bản Unicode (.txt) hoặc XLSX. Hãy lưu danh bạ dưới dạng “CSV UTF-8” hoặc “Excel Workbook (*.xlsx)”. Không có gì thay đổi.`,
    dateRequired: 'Cần chọn ngày có hiệu lực.',
    formBroken: 'Biểu mẫu gửi lên không đọc được. Hãy thử lại.',
    previewTitle: 'Xem trước thay đổi danh bạ',
    previewOf: (file: string, date: string) => `Tệp “${file}”, có hiệu lực từ ${date}.`,
    against: (date: string, source: string) => `So với danh bạ có hiệu lực từ ${date} (${source}).`,
    againstNone: 'Chưa có danh bạ nào: mọi đơn vị trong tệp là đơn vị mới.',
    replaces: 'Một danh bạ đã có hiệu lực từ cùng ngày: áp dụng sẽ thay thế nó (đính chính).',
    problems: (n: number) =>
      `Tệp có ${n} lỗi. Không có gì được áp dụng. Hãy sửa các dòng dưới đây rồi tải tệp lên lại.`,
    line: 'Dòng',
    column: 'Cột',
    problem: 'Vấn đề',
    wholeFile: 'Cả tệp',
    noop: 'Nội dung tệp giống danh bạ có hiệu lực ngày đó: không có gì để áp dụng.',
    added: 'Đơn vị mới',
    removed: 'Đơn vị hết hiệu lực (không có trong tệp)',
    changed: 'Đơn vị thay đổi',
    unchangedCount: (n: number) => `${n} đơn vị không thay đổi.`,
    before: 'Trước',
    after: 'Sau',
    kind: { added: 'Thêm', removed: 'Bỏ', changed: 'Thay đổi' } as Record<string, string>,
    apply: 'Áp dụng danh bạ này',
    applyNote:
      'Chỉ áp dụng đúng tệp đã xem trước; nếu danh bạ thay đổi trong lúc này, việc áp dụng bị từ chối.',
    cancel: 'Hủy, chọn tệp khác',
    staleTitle: 'Bản xem trước đã cũ',
    staleBody:
      'Danh bạ đã thay đổi sau khi bạn xem trước (một lần nhập khác hoặc sửa liên hệ). Không có gì được áp dụng. Hãy tải tệp lên và xem trước lại.',
    goneTitle: 'Không còn bản xem trước',
    goneBody:
      'Bản xem trước này không còn (đã được áp dụng, hoặc quá hạn). Không có gì được áp dụng. Hãy tải tệp lên và xem trước lại.',
    notApplied: 'Không áp dụng được danh bạ. Không có gì thay đổi.',
    notYoursTitle: 'Bản xem trước của người khác',
    notYoursBody: (who: string) =>
      `Bản xem trước này do ${who} tạo; chỉ người đã xem trước mới áp dụng được. Không có gì được áp dụng. Hãy tự tải tệp lên và xem trước.`,
  },
  en: {
    title: 'Agency directory',
    inForce: (date: string) => `Agencies in force on ${date}.`,
    revision: (date: string, source: string) => `From the directory in force since ${date} (${source}).`,
    noRevision: 'No directory has been imported yet.',
    search: 'Search by name or code',
    group: 'Agency group',
    allGroups: 'All groups',
    filter: 'Filter',
    clear: 'Clear filters',
    count: (n: number, total: number) => `${n} of ${total} agencies.`,
    none: 'No agency matches the filters.',
    code: 'Code',
    name: 'Name',
    contacts: 'Contacts',
    importLink: 'Import the directory from a file (CSV/XLSX)',
    applied: (date: string, n: number) =>
      `The new directory was applied, in force from ${date}: ${n} agencies.`,
    appliedNoop: 'The file equals the directory in force: nothing changed.',
    backToList: '‹ Back to the directory',
    agencyTitle: 'Agency details',
    nameEn: 'English name',
    parent: 'Parent agency',
    effectiveFrom: 'In force from',
    effectiveTo: 'Ceases on',
    noContact: 'None',
    contactName: 'Full name',
    email: 'Email',
    phone: 'Phone',
    editContact: 'Edit contact',
    editFrom: 'In force from (empty: today)',
    save: 'Save changes',
    saved: (who: string) => `The contact change was saved (${who}).`,
    unchanged: 'The values are the same as before: nothing changed.',
    notSaved: 'Not saved: correct the errors below. Nothing was changed.',
    readOnly: 'You can read the directory only.',
    tooLong: (n: number) => `At most ${n} characters.`,
    dateInvalid: (v: string) => `“${v}” is not a valid date (YYYY-MM-DD).`,
    importTitle: 'Import the directory',
    importIntro:
      'A CSV or XLSX file stating the whole directory in force from the chosen date: agencies missing from it cease on that date. A CSV file is read as Excel, LibreOffice or Google Sheets saves it (UTF-8, Unicode or Windows-1258; separated by commas, semicolons or tabs). You will see the changes before anything is applied.',
    columns: 'Required columns:',
    file: 'Directory file (CSV or XLSX, at most 5 MB)',
    importFrom: 'In force from',
    previewButton: 'Preview the changes',
    fileRequired: 'Choose a CSV or XLSX file.',
    fileEmpty: 'The file is empty.',
    fileTooLarge: (max: string) => `The file is larger than ${max}. Nothing was changed.`,
    fileType: (name: string) =>
      `“${name}” is not a CSV, Unicode text (.txt) or XLSX file. Save the directory as “CSV UTF-8” or “Excel Workbook (*.xlsx)”. Nothing was changed.`,
    dateRequired: 'Choose the date the directory is in force from.',
    formBroken: 'The form could not be read. Please try again.',
    previewTitle: 'Preview of the directory changes',
    previewOf: (file: string, date: string) => `File “${file}”, in force from ${date}.`,
    against: (date: string, source: string) =>
      `Compared with the directory in force since ${date} (${source}).`,
    againstNone: 'There is no directory yet: every agency in the file is new.',
    replaces: 'A directory is already in force from the same date: applying replaces it (a correction).',
    problems: (n: number) =>
      `The file has ${n} problem${n === 1 ? '' : 's'}. Nothing is applied. Fix the rows below and upload the file again.`,
    line: 'Line',
    column: 'Column',
    problem: 'Problem',
    wholeFile: 'Whole file',
    noop: 'The file equals the directory in force on that date: there is nothing to apply.',
    added: 'New agencies',
    removed: 'Agencies that cease (not in the file)',
    changed: 'Changed agencies',
    unchangedCount: (n: number) => `${n} agencies unchanged.`,
    before: 'Before',
    after: 'After',
    kind: { added: 'Added', removed: 'Removed', changed: 'Changed' } as Record<string, string>,
    apply: 'Apply this directory',
    applyNote:
      'Only the previewed file is applied; if the directory changes in the meantime, applying is refused.',
    cancel: 'Cancel, choose another file',
    staleTitle: 'The preview is out of date',
    staleBody:
      'The directory changed after your preview (another import or a contact edit). Nothing was applied. Upload the file and preview it again.',
    goneTitle: 'The preview is no longer available',
    goneBody:
      'This preview no longer exists (it was applied, or it expired). Nothing was applied. Upload the file and preview it again.',
    notApplied: 'The directory could not be applied. Nothing was changed.',
    notYoursTitle: 'Someone else’s preview',
    notYoursBody: (who: string) =>
      `This preview was made by ${who}; only the coordinator who previewed a file can apply it. Nothing was applied. Upload the file and preview it yourself.`,
  },
} satisfies Record<Lang, Record<string, unknown>>;

export type DirWords = (typeof DIR)['vi'];
