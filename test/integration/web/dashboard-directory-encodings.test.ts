import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildWebServer } from '../../../src/web/server';
import { listRevisions } from '../../../src/directory/revisions';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { testFiles } from '../../support/files';
import { projectRoot } from '../../support/tools';
import { TEST_LINKS } from '../../support/worker';
import { Browser, listening, loggedIn, USERS } from './dashboard-browser';

const FIXTURES = join(projectRoot, 'test/fixtures/directory-encodings');
/** 10:00 on Sunday 29 November 2026 in Vietnam: the server's "now". */
const NOW = Date.UTC(2026, 10, 29, 3, 0);

/** The codes listed in one change table of a preview page. */
function changedCodes(html: string, kind: string): string[] {
  const table = new RegExp(`data-kind="${kind}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  return [...table.matchAll(/<tr data-code="([^"]+)">/g)].map((m) => m[1]!);
}

/**
 * A directory file as offices save it (test/fixtures/make-directory-encodings.py), uploaded on the
 * dashboard's import page: Excel on Vietnamese Windows (Windows-1258 with semicolons, UTF-8 with a BOM and
 * semicolons, "Unicode text" in UTF-16LE with tabs), LibreOffice and Google Sheets each preview the same four
 * agencies, names intact, and apply; a TCVN3 file is refused, the line named, in Vietnamese, saying what
 * to do, with nothing applied.
 */
describe('directory files as offices save them, on the import page', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let huong: Browser;
  const files = testFiles();

  beforeAll(async () => {
    database = await freshDatabase('sqlite', 'dashboard_directory_encodings');
    app = buildWebServer({ db: database.db, links: TEST_LINKS, files, now: () => NOW });
    huong = await loggedIn(await listening(app), database.db, USERS.coordinator);
  });

  afterAll(async () => {
    await app?.close();
    files.remove();
    await database?.drop();
  });

  async function upload(name: string, effectiveFrom: string) {
    const _csrf = Browser.csrfOf(await huong.html('/quan-ly/danh-ba/nhap'));
    return huong.postMultipart(
      '/quan-ly/danh-ba/nhap',
      { _csrf, effectiveFrom },
      { file: [name, readFileSync(join(FIXTURES, name))] },
    );
  }

  it.each([
    'excel-csv-windows-1258.csv',
    'excel-csv-utf8-bom.csv',
    'excel-unicode-text.txt',
    'libreoffice.csv',
    'google-sheets.csv',
  ])('%s previews the four agencies with their Vietnamese names', async (name) => {
    const res = await upload(name, '2026-12-01');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(changedCodes(html, 'added')).toEqual(['SO-TP', 'SO-VHTTDL', 'SO-YT', 'UBND-P-DIENBIENPHU']);
    expect(html).toContain('Sở Văn hóa, Thể thao và Du lịch');
    expect(html).toContain('Ủy ban nhân dân phường Điện Biên Phủ');
    expect(html).toContain('/quan-ly/danh-ba/nhap/ap-dung');
  });

  it('applies the Windows-1258 file: the names stored composed, as typed', async () => {
    const res = await upload('excel-csv-windows-1258.csv', '2026-12-01');
    const html = await res.text();
    const form = /<form method="post" action="\/quan-ly\/danh-ba\/nhap\/ap-dung">([\s\S]*?)<\/form>/.exec(
      html,
    )!;
    const apply = await huong.post('/quan-ly/danh-ba/nhap/ap-dung', {
      _csrf: /name="_csrf" value="([^"]+)"/.exec(form[1]!)![1]!,
      upload: /name="upload" value="([^"]+)"/.exec(form[1]!)![1]!,
    });
    expect(apply.status).toBe(303);
    const agency = await database.db.prisma.agency.findUniqueOrThrow({
      where: { code: 'UBND-P-DIENBIENPHU' },
    });
    expect(agency.name).toBe('Ủy ban nhân dân phường Điện Biên Phủ'.normalize('NFC'));
    expect(await database.db.prisma.contact.findFirst({ where: { name: 'Vì Văn Ơn' } })).not.toBeNull();
  });

  it('refuses a TCVN3 file: the line, why and what to do, in Vietnamese; nothing applied', async () => {
    const before = await listRevisions(database.db.prisma);
    const res = await upload('tcvn3.csv', '2026-12-15');
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(/<tr data-line="2" data-field="">/);
    expect(html).toContain(
      'Dòng này không phải văn bản UTF-8 cũng không phải Windows-1258 tiếng Việt (có lẽ tệp được lưu bằng ' +
        'bảng mã khác như TCVN3 hoặc VNI): hãy lưu tệp thành “CSV UTF-8” rồi nhập lại.',
    );
    expect(html).not.toContain('/quan-ly/danh-ba/nhap/ap-dung');
    expect(await listRevisions(database.db.prisma)).toEqual(before);
  });
});
