import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDirectoryCsv } from '../../../src/directory/import';
import { decodeDirectoryText, detectSeparator } from '../../../src/directory/csv';
import { DirectoryError, type DirectoryIssue, type DirectoryRow } from '../../../src/directory/types';

const DATA = path.resolve(__dirname, '..', '..', '..', 'data', 'directory');
const HEADER =
  'code,name,name_en,group,parent_code,focal_point_name,focal_point_email,head_name,head_email,deputy_name,deputy_email';

function row(
  code: string,
  overrides: Partial<Record<'name' | 'group' | 'parent' | 'fpEmail' | 'headName', string>> = {},
) {
  const o = {
    name: `Đơn vị ${code}`,
    group: 'department',
    parent: '',
    fpEmail: 'a@x.dienbien.example',
    headName: 'Lò Văn Thành',
    ...overrides,
  };
  return `${code},${o.name},,${o.group},${o.parent},Giàng A Dơ,${o.fpEmail},${o.headName},b@x.dienbien.example,,`;
}

function issuesOf(input: string | Uint8Array, file = 'test.csv'): DirectoryIssue[] {
  try {
    parseDirectoryCsv(input, file);
  } catch (error) {
    expect(error).toBeInstanceOf(DirectoryError);
    return (error as DirectoryError).issues;
  }
  throw new Error('expected the file to be rejected');
}

function load(name: string): DirectoryRow[] {
  return parseDirectoryCsv(readFileSync(path.join(DATA, name)), name);
}

const count = (rows: DirectoryRow[], group: string) => rows.filter((r) => r.group === group).length;

describe('the shipped directory files', () => {
  it('2022: provincial bodies, mass organisations and the 10 district-level committees', () => {
    const rows = load('dien-bien-2022.csv');
    expect(count(rows, 'district_committee')).toBe(10);
    expect(count(rows, 'commune_committee')).toBe(0);
    expect(count(rows, 'department')).toBe(19);
    expect(count(rows, 'mass_organisation')).toBe(7);
    const districts = rows.filter((r) => r.group === 'district_committee').map((r) => r.name);
    expect(districts).toEqual(
      expect.arrayContaining([
        'Ủy ban nhân dân thành phố Điện Biên Phủ',
        'Ủy ban nhân dân thị xã Mường Lay',
        'Ủy ban nhân dân huyện Điện Biên',
        'Ủy ban nhân dân huyện Điện Biên Đông',
        'Ủy ban nhân dân huyện Mường Ảng',
        'Ủy ban nhân dân huyện Mường Chà',
        'Ủy ban nhân dân huyện Mường Nhé',
        'Ủy ban nhân dân huyện Nậm Pồ',
        'Ủy ban nhân dân huyện Tủa Chùa',
        'Ủy ban nhân dân huyện Tuần Giáo',
      ]),
    );
    expect(rows.find((r) => r.code === 'SO-VHTTDL')?.name).toBe('Sở Văn hóa, Thể thao và Du lịch');
  });

  it('2025: 45 commune-level committees (42 xã, 3 phường), no district level', () => {
    const rows = load('dien-bien-2025.csv');
    const communes = rows.filter((r) => r.group === 'commune_committee');
    expect(communes).toHaveLength(45);
    expect(communes.filter((r) => r.name.startsWith('Ủy ban nhân dân xã '))).toHaveLength(42);
    expect(
      communes
        .filter((r) => r.name.startsWith('Ủy ban nhân dân phường '))
        .map((r) => r.name)
        .sort(),
    ).toEqual([
      'Ủy ban nhân dân phường Mường Lay',
      'Ủy ban nhân dân phường Mường Thanh',
      'Ủy ban nhân dân phường Điện Biên Phủ', // code-unit order: Đ sorts after M
    ]);
    expect(count(rows, 'district_committee')).toBe(0);
    expect(rows.find((r) => r.code === 'HLHPN-TINH')?.parentCode).toBe('MTTQ-TINH');
    expect(rows.map((r) => r.code)).toEqual(
      expect.arrayContaining(['SO-VHTTDL', 'SO-NV', 'SO-YT', 'SO-DTTG']),
    );
    expect(rows.map((r) => r.code)).not.toContain('SO-LDTBXH');
  });

  it('use only the reserved .example domain, NFC text and codes that were never used for another unit', () => {
    const old = load('dien-bien-2022.csv');
    const now = load('dien-bien-2025.csv');
    for (const r of [...old, ...now]) {
      for (const contact of [r.contacts.focal_point, r.contacts.head, r.contacts.deputy]) {
        expect(contact?.email).toMatch(/@[a-z0-9.-]+\.example$/);
      }
      expect(r.name).toBe(r.name.normalize('NFC'));
    }
    const oldByCode = new Map(old.map((r) => [r.code, r]));
    for (const r of now) {
      const before = oldByCode.get(r.code);
      if (before) expect(before.group).toBe(r.group);
    }
  });
});

describe('CSV errors: every bad row, with its line and field', () => {
  it('reports every bad row and nothing else', () => {
    const text = [
      HEADER,
      row('SO-A'), // 2: fine
      row('SO-B', { name: '' }), // 3: missing name
      row('SO-C', { fpEmail: 'not-an-email' }), // 4
      row('SO-D', { group: 'ministry' }), // 5
      row('SO-E', { parent: 'SO-ZZZ' }), // 6
      row('SO-A'), // 7: duplicate
      row('SO-F', { parent: 'SO-G' }), // 8: circular F → G → F
      row('SO-G', { parent: 'SO-F' }), // 9
      row('SO-H', { headName: '' }), // 10
      row('SO-I', { parent: 'SO-I' }), // 11
      row('so-j'), // 12: lower case is made upper case, fine
    ].join('\n');
    const issues = issuesOf(text);
    expect(issues.map((i) => [i.line, i.field, i.code])).toEqual([
      [3, 'name', 'SO-B'],
      [4, 'focal_point_email', 'SO-C'],
      [5, 'group', 'SO-D'],
      [6, 'parent_code', 'SO-E'],
      [7, 'code', 'SO-A'],
      [8, 'parent_code', 'SO-F'],
      [10, 'head_name', 'SO-H'],
      [11, 'parent_code', 'SO-I'],
    ]);
    expect(issues.map((i) => i.message)).toEqual([
      'missing name',
      '"not-an-email" is not a valid email address',
      'unknown group "ministry"; expected one of: department, mass_organisation, district_committee, commune_committee',
      'unknown parent "SO-ZZZ": no row of this file has that code',
      'duplicate code "SO-A" (first on line 2)',
      'circular parents: SO-F → SO-G → SO-F',
      'missing head name',
      'an agency cannot be its own parent',
    ]);
    const error = (() => {
      try {
        parseDirectoryCsv(text, 'test.csv');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain(
      'test.csv:4 [focal_point_email] (SO-C): "not-an-email" is not a valid email address',
    );
    expect(error?.message).toContain('nothing was changed');
  });

  it('a wrong column set', () => {
    const text = ['code,name,group,focal_point_name,focal_point_email,head_name,email', row('SO-A')].join(
      '\n',
    );
    expect(issuesOf(text).map((i) => [i.line, i.field, i.message])).toEqual([
      [1, 'email', expect.stringMatching(/^unknown column "email"; expected columns: code, name, group/)],
      [1, 'head_email', expect.stringMatching(/^missing column "head_email"/)],
    ]);
    expect(issuesOf(`code|name|group\nSO-A|x|department`)[0]?.message).toMatch(
      /single column: separate the columns with commas, semicolons or tabs/,
    );
    expect(issuesOf(`${HEADER},name\n`)[0]?.message).toBe('duplicate column "name"');
  });

  it('a row with too many or too few fields, and broken quoting', () => {
    const text = [HEADER, row('SO-A'), `${row('SO-B')},extra`, 'SO-C,Thiếu cột'].join('\n');
    expect(issuesOf(text).map((i) => [i.line, i.code, i.message])).toEqual([
      [3, 'SO-B', expect.stringMatching(/the row has 12 fields but the header has 11 columns/)],
      [4, 'SO-C', expect.stringMatching(/the row has 2 fields/)],
    ]);
    expect(issuesOf(`${HEADER}\n${row('SO-A')}\n"SO-B,x`)[0]?.message).toMatch(
      /not valid CSV: Quote Not Closed/,
    );
  });

  it('handles a BOM, CRLF, quoted commas, NFD text and UTF-16 files', () => {
    const nfd = 'Sở Y tế'.normalize('NFD');
    const text = `\uFEFF${HEADER}\r\n${row('SO-YT', { name: `"${nfd}, tỉnh Điện Biên"` })}\r\n`;
    const [parsed] = parseDirectoryCsv(text, 'bom.csv');
    expect(parsed?.name).toBe('Sở Y tế, tỉnh Điện Biên');
    expect(parsed?.name).toBe(parsed?.name.normalize('NFC'));
    const utf8 = new TextEncoder().encode(text);
    expect(parseDirectoryCsv(utf8, 'bom.csv')[0]?.name).toBe('Sở Y tế, tỉnh Điện Biên');
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(text.replace(/^\uFEFF/, ''), 'utf16le'),
    ]);
    expect(parseDirectoryCsv(utf16, 'unicode.txt')[0]?.code).toBe('SO-YT');
  });

  it('reports lines that are not UTF-8, or UTF-8 that was decoded as Windows-1252', () => {
    const good = Buffer.from(`${HEADER}\n${row('SO-A')}\n`, 'utf8');
    const bad = Buffer.concat([
      good,
      Buffer.from('SO-B,S'),
      Buffer.from([0xdf, 0x20]),
      Buffer.from(' Y t\n'),
    ]);
    expect(issuesOf(bad).map((i) => [i.line, i.message])).toEqual([
      [3, expect.stringMatching(/bytes that are not UTF-8 while the rest of the file is UTF-8.*CSV UTF-8/)],
    ]);
    const mojibake = `${HEADER}\n${row('SO-A', { name: Buffer.from('Sở Y tế', 'utf8').toString('latin1') })}`;
    expect(issuesOf(mojibake).map((i) => [i.line, i.message])).toEqual([
      [2, expect.stringMatching(/opened as Windows-1252/)],
    ]);
  });

  it('an empty file', () => {
    expect(issuesOf('')[0]?.message).toMatch(/the file is empty/);
  });
});

/** The fixtures of test/fixtures/make-directory-encodings.py: directory-small.csv as offices save it. */
describe('directory files as office software saves them', () => {
  const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures');
  const expected = parseDirectoryCsv(readFileSync(path.join(FIXTURES, 'directory-small.csv')), 'x.csv');
  const saved = (name: string) => readFileSync(path.join(FIXTURES, 'directory-encodings', name));

  it.each([
    ['excel-csv-windows-1258.csv', 'windows-1258', ';'],
    ['excel-csv-utf8-bom.csv', 'utf-8', ';'],
    ['excel-unicode-text.txt', 'utf-16le', '\t'],
    ['libreoffice.csv', 'utf-8', ','],
    ['google-sheets.csv', 'utf-8', ','],
  ])('%s (%s, separated by %j) reads as the original', (name, encoding, separator) => {
    const decoded = decodeDirectoryText(saved(name));
    expect(decoded.encoding).toBe(encoding);
    expect(detectSeparator(decoded.text.replace(/^\uFEFF/, ''))).toBe(separator);
    const rows = parseDirectoryCsv(saved(name), name);
    expect(rows).toEqual(expected.map((r) => ({ ...r, source: { ...r.source, file: name } })));
    expect(rows[0]?.name).toBe('Sở Tư pháp');
    expect(rows.find((r) => r.code === 'SO-VHTTDL')?.name).toBe('Sở Văn hóa, Thể thao và Du lịch');
  });

  it('a Windows-1258 file keeps its tones on every letter, composed (NFC)', () => {
    const rows = parseDirectoryCsv(saved('excel-csv-windows-1258.csv'), 'x.csv');
    const names = rows.map((r) => r.name).join(' ');
    expect(names).toBe(names.normalize('NFC'));
    expect(names).toContain('Ủy ban nhân dân phường Điện Biên Phủ');
  });

  it('a file in neither encoding (TCVN3) is refused, saying why and what to do', () => {
    expect(issuesOf(saved('tcvn3.csv'), 'tcvn3.csv').map((i) => [i.line, i.message])).toEqual([
      [
        2,
        expect.stringMatching(
          /neither UTF-8 nor Vietnamese Windows-1258 text .*TCVN3.*save it as "CSV UTF-8"/,
        ),
      ],
    ]);
  });
});
