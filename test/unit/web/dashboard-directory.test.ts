import { directoryProblem, contactRoleLabel } from '../../../src/web/dashboard/directory-i18n';
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
    expect(directoryProblem('the value contains a line break', 'vi')).toBe('the value contains a line break');
    expect(directoryProblem('missing head email', 'en')).toBe('missing head email');
    expect(contactRoleLabel('focal_point', 'vi')).toBe('Cán bộ đầu mối');
    expect(contactRoleLabel('deputy', 'en')).toBe('Deputy');
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
