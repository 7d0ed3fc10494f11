import { parseDirectoryCsv } from '../../../src/directory/import';
import { DirectoryError } from '../../../src/directory/types';
import { directoryProblem, contactRoleLabel, sourceName } from '../../../src/web/dashboard/directory-i18n';
import { exportLinks } from '../../../src/web/dashboard/exports';
import { filterQuery } from '../../../src/web/dashboard/matrix';

describe('directory problems in Vietnamese', () => {
  it('translates the directory code’s known problems, keeping the values, and leaves others as given', () => {
    expect(directoryProblem('"a@@b" is not a valid email address', 'vi')).toBe(
      '“a@@b” không phải là địa chỉ email hợp lệ.',
    );
    expect(directoryProblem('missing focal point name', 'vi')).toBe('Cần nhập họ và tên.');
    expect(directoryProblem('missing head email', 'vi')).toBe('Cần nhập địa chỉ email.');
    expect(directoryProblem('unknown group "xa"; expected one of: department, commune_committee', 'vi')).toBe(
      'Nhóm đơn vị “xa” không hợp lệ; dùng một trong các nhóm: department, commune_committee.',
    );
    expect(directoryProblem('duplicate code "SO-YT" (first on line 3)', 'vi')).toBe(
      'Mã “SO-YT” bị trùng (đã có ở dòng 3).',
    );
    expect(
      directoryProblem(
        'effective date 2026-01-01 is earlier than the latest import (2026-03-01, danh-ba.csv): the directory only moves forward',
        'vi',
      ),
    ).toBe(
      'Ngày hiệu lực 01/01/2026 sớm hơn lần nhập gần nhất (01/03/2026, danh-ba.csv): danh bạ chỉ cập nhật tiến về phía trước; hãy chọn ngày từ 01/03/2026 trở đi.',
    );
    expect(directoryProblem('something nobody worded yet', 'vi')).toBe('something nobody worded yet');
    expect(directoryProblem('missing head email', 'en')).toBe('missing head email');
    expect(contactRoleLabel('focal_point', 'vi')).toBe('Cán bộ đầu mối');
    expect(contactRoleLabel('deputy', 'en')).toBe('Deputy');
  });
});

describe('workbooks beyond a directory’s size, in Vietnamese', () => {
  it('words every refusal of the archive check, the sheet extent and the reading limits', () => {
    const vi = (message: string) => directoryProblem(message, 'vi');
    const save = 'open it in Excel and save the table alone as "Excel Workbook (*.xlsx)" or "CSV UTF-8"';
    const smaller =
      'save the table alone (the first worksheet, only its rows and columns) as "Excel Workbook (*.xlsx)" or ' +
      'as "CSV UTF-8" and import it again';
    expect(
      vi(`the workbook's archive has 501 entries, more than the 500 a directory workbook can have: ${save}`),
    ).toBe(
      'Tệp Excel (một tệp nén ZIP) có 501 thành phần, nhiều hơn 500 thành phần mà một tệp danh bạ có thể có: ' +
        'hãy mở tệp bằng Excel và lưu riêng bảng danh bạ thành “Excel Workbook (*.xlsx)” hoặc “CSV UTF-8”.',
    );
    expect(
      vi(`the workbook unpacks to more than 64 MB, more than a directory workbook can: ${save}`),
    ).toMatch(/^Tệp Excel khi giải nén lớn hơn 64 MB/);
    expect(
      vi(
        "the workbook's part xl/worksheets/sheet1.xml is compressed 1018 times, far more than a spreadsheet is " +
          `(at most 100): the file is refused as a possible ZIP bomb; ${save}`,
      ),
    ).toMatch(
      /^Thành phần xl\/worksheets\/sheet1\.xml của tệp Excel bị nén tới 1018 lần, .*\(tối đa 100 lần\)/,
    );
    expect(
      vi(
        "cell XFD2 lies beyond column 64, far outside the directory's table: delete the columns after the table " +
          '(a value or formatting far to the right) and save again',
      ),
    ).toBe(
      'Ô XFD2 nằm ngoài cột thứ 64, quá xa bảng danh bạ: hãy xóa các cột sau bảng (giá trị hoặc định dạng ở ' +
        'xa bên phải) rồi lưu tệp lại.',
    );
    expect(vi('the worksheet reaches row 1048576, more than the 50000 rows a directory can have: …')).toMatch(
      /^Trang tính kéo dài tới dòng 1048576, nhiều hơn 50000 dòng/,
    );
    expect(vi(`the workbook could not be read within 60 seconds: ${smaller}`)).toMatch(
      /^Không đọc xong tệp Excel trong 60 giây: hãy lưu riêng bảng danh bạ/,
    );
    expect(vi(`the workbook needs more than 512 MB of memory to read: ${smaller}`)).toMatch(
      /^Tệp Excel cần hơn 512 MB bộ nhớ để đọc/,
    );
  });
});

describe('matrix and export links', () => {
  it('carries the filters and the language, and nothing else', () => {
    expect(filterQuery({}, 'vi')).toBe('');
    expect(filterQuery({ state: 'reminded', group: 'department', q: 'y tế' }, 'en', 2)).toBe(
      '?state=reminded&group=department&q=y+t%E1%BA%BF&trang=2&lang=en',
    );
    expect(exportLinks(7, { group: 'commune_committee' }, 'vi')).toEqual({
      matrixXlsx: '/quan-ly/chu-ky/7/xuat/ma-tran.xlsx?group=commune_committee',
      matrixCsv: '/quan-ly/chu-ky/7/xuat/ma-tran.csv?group=commune_committee',
      submissionsXlsx: '/quan-ly/chu-ky/7/xuat/van-ban-nop.xlsx',
      submissionsCsv: '/quan-ly/chu-ky/7/xuat/van-ban-nop.csv',
      reportDocx: '/quan-ly/chu-ky/7/xuat/bao-cao-tong-hop.docx',
      reportPdf: '/quan-ly/chu-ky/7/xuat/bao-cao-tong-hop.pdf',
      reportXlsx: '/quan-ly/chu-ky/7/xuat/bao-cao-tong-hop.xlsx',
    });
    expect(exportLinks(7, {}, 'en').submissionsCsv).toBe('/quan-ly/chu-ky/7/xuat/van-ban-nop.csv?lang=en');
    expect(exportLinks(7, {}, 'en').reportPdf).toBe('/quan-ly/chu-ky/7/xuat/bao-cao-tong-hop.pdf?lang=en');
  });
});

describe('every problem of a directory file, in Vietnamese', () => {
  const HEADER =
    'code,name,name_en,group,parent_code,focal_point_name,focal_point_email,head_name,head_email';
  const good = (code: string, parent = '') =>
    `${code},Đơn vị ${code},,department,${parent},Giàng A Dơ,a@x.dienbien.example,Lò Văn Thành,b@x.dienbien.example`;
  // Files that between them make the CSV reader and the row checks say everything they can say.
  const files: string[] = [
    '',
    'code;name;group',
    `${HEADER},colour,code`,
    'code,name',
    [HEADER, good('SO-A'), 'SO-B,Đơn vị B', `so b,,,,,,,,`].join('\n'),
    [HEADER, good('SO-A'), good('SO-A'), `SO-C,Đơn vị C,,xa,,Giàng A Dơ,not-an-email,,`].join('\n'),
    [HEADER, good('SO-A', 'SO-A'), good('SO-B', 'SO-X'), good('SO-C', 'SO-D'), good('SO-D', 'SO-C')].join(
      '\n',
    ),
    [HEADER, `SO-E,Đơn vị E,,department,,,,,`, `SO-F,"Đơn vị\nF",,department,,A,a@x.vn,B,b@x.vn`].join('\n'),
    [HEADER, '"SO-G,Đơn vị'].join('\n'),
    [HEADER, 'SO-H,Sá»Ÿ Y táº¿,,department,,A,a@x.vn,B,b@x.vn'].join('\n'),
  ];
  const messages = new Set<string>();
  for (const file of files) {
    try {
      parseDirectoryCsv(file, 'test.csv');
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      for (const issue of error.issues) messages.add(issue.message);
    }
  }
  messages.add(
    parseIssue(Buffer.from([0x63, 0x6f, 0x64, 0x65, 0x2c, 0x6e, 0x61, 0x6d, 0x65, 0x0a, 0xc0, 0x0a])),
  );

  it('finds the problems the corpus is made to find', () => {
    expect(messages.size).toBeGreaterThanOrEqual(20);
  });

  it.each([...messages].map((m) => [m]))('words “%s”', (message) => {
    const vi = directoryProblem(message, 'vi');
    expect(vi).not.toBe(message);
    // No English sentence left: none of the words the directory code writes its problems with.
    expect(vi).not.toMatch(/\b(?:the|missing|expected|is not|column|line|row|file)\b/);
  });
});

describe('sources and paths as pages show them', () => {
  it('keeps the file’s name and drops the folders it was read from', () => {
    expect(sourceName('/srv/phoihop/data/directory/dien-bien-2027.csv')).toBe('dien-bien-2027.csv');
    expect(sourceName('C:\\Users\\hoa\\Desktop\\danh-ba.xlsx')).toBe('danh-ba.xlsx');
    expect(sourceName('danh-ba.csv')).toBe('danh-ba.csv');
    expect(sourceName('dashboard: nhập tay')).toBe('dashboard: nhập tay');
    expect(
      directoryProblem(
        'effective date 2026-01-01 is earlier than the latest import (2026-03-01, /srv/data/danh-ba.csv): the directory only moves forward',
        'en',
      ),
    ).toBe(
      'effective date 2026-01-01 is earlier than the latest import (2026-03-01, danh-ba.csv): the directory only moves forward',
    );
    expect(directoryProblem('save it as CSV/XLSX', 'en')).toBe('save it as CSV/XLSX');
  });
});

function parseIssue(bytes: Uint8Array): string {
  try {
    parseDirectoryCsv(bytes, 'test.csv');
  } catch (error) {
    if (error instanceof DirectoryError) return error.issues[0]!.message;
    throw error;
  }
  throw new Error('the bytes were read as a directory');
}
