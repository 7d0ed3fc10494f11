import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { createObligationActivities, ObligationContext } from '../../../src/activities/obligations';
import { createMailer, type Mailer } from '../../../src/mail/mailer';
import { buildWebServer } from '../../../src/web/server';
import { storeConsolidatedReport } from '../../../src/reports/consolidated';
import { seedCycle, type SeededCycle } from '../../support/cycle-fixture';
import { freshDatabase, testSmtpUrl, type TestDatabase } from '../../support/databases';
import { testFiles } from '../../support/files';
import { TEST_FROM, TEST_LINKS } from '../../support/worker';
import { listening, loggedIn, USERS, type Browser } from './dashboard-browser';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** 09:30 on 3 February 2027 in Vietnam. */
const SUBMITTED = Date.UTC(2027, 1, 3, 2, 30);

async function workbookOf(res: Response): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
  return workbook;
}

async function csvOf(res: Response): Promise<string[][]> {
  return parse(Buffer.from(await res.arrayBuffer()), { bom: true }) as string[][];
}

/** A sheet's rows as arrays of cell values (column 1 first). */
function rowsOf(sheet: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

/**
 * The dashboard's exports over HTTP: a logged-in viewer downloads the matrix (with the page's filters) and
 * the submissions list as XLSX and CSV, read back with exceljs and csv-parse; without a session nothing is
 * served.
 */
describe('dashboard exports', () => {
  let database: TestDatabase;
  let seeded: SeededCycle;
  let mailer: Mailer;
  let app: FastifyInstance;
  let base: string;
  let viewer: Browser;
  const files = testFiles();
  const xuat = (file: string) => `/quan-ly/chu-ky/${seeded.cycleId}/xuat/${file}`;

  beforeAll(async () => {
    database = await freshDatabase('sqlite', 'dashboard_exports');
    seeded = await seedCycle(database.db, 2027);
    mailer = createMailer({ url: testSmtpUrl(), from: TEST_FROM });
    const activities = createObligationActivities({
      db: database.db,
      mailer,
      from: TEST_FROM,
      links: TEST_LINKS,
      context: new ObligationContext(database.db),
    });
    const base0 = { cycleId: seeded.cycleId, milestone: 'annual-plan', due: '2027-01-29' };
    await activities.recordObligation({
      ...base0,
      agencyCode: 'SO-VHTTDL',
      stage: 'accepted',
      submittedAt: SUBMITTED,
      lateByWorkingDays: 3,
    });
    await activities.recordSubmission({
      cycleId: seeded.cycleId,
      agencyCode: 'SO-VHTTDL',
      milestone: 'annual-plan',
      receiptNumber: 'KH99-2027-0001',
      at: SUBMITTED,
      submittedBy: 'Sình Thị Pà',
      summary: 'Kế hoạch triển khai công tác gia đình năm 2027 của Sở.',
      attachments: [],
    });
    await database.db.prisma.submission.update({
      where: { receiptNumber: 'KH99-2027-0001' },
      data: { status: 'accepted', reviewNote: 'Đạt yêu cầu, đề nghị triển khai đúng tiến độ.' },
    });
    await activities.recordObligation({ ...base0, agencyCode: 'SO-YT', stage: 'requested' });
    await activities.recordObligation({
      ...base0,
      agencyCode: 'UBND-P-DIENBIENPHU',
      stage: 'overdue',
      flagged: true,
    });

    app = buildWebServer({ db: database.db, links: TEST_LINKS, files });
    base = await listening(app);
    viewer = await loggedIn(base, database.db, USERS.viewer);
  });

  afterAll(async () => {
    await app?.close();
    mailer?.close();
    files.remove();
    await database?.drop();
  });

  it('links the exports from the matrix page, the matrix ones with the current filters', async () => {
    const html = await viewer.html(
      `/quan-ly/chu-ky/${seeded.cycleId}?group=commune_committee&q=%C4%91i%E1%BB%87n`,
    );
    const q = 'group=commune_committee&amp;q=%C4%91i%E1%BB%87n';
    expect(html).toContain(`href="${xuat('ma-tran.xlsx')}?${q}" download>Tải XLSX</a>`);
    expect(html).toContain(`href="${xuat('ma-tran.csv')}?${q}" download>Tải CSV</a>`);
    expect(html).toContain(`href="${xuat('van-ban-nop.xlsx')}" download>Tải XLSX</a>`);
    expect(html).toContain(`href="${xuat('van-ban-nop.csv')}" download>Tải CSV</a>`);
    const en = await viewer.html(`/quan-ly/chu-ky/${seeded.cycleId}?lang=en`);
    expect(en).toContain(`href="${xuat('ma-tran.xlsx')}?lang=en" download>Download XLSX</a>`);
    expect(en).toContain(`href="${xuat('van-ban-nop.csv')}?lang=en" download>Download CSV</a>`);
  });

  it('downloads the matrix as XLSX: attachment, no-store, Vietnamese cells readable', async () => {
    const res = await viewer.fetch(xuat('ma-tran.xlsx'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(XLSX);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="ma-tran-dien-bien-kh99-2027.xlsx"; filename*=UTF-8''ma-tran-dien-bien-kh99-2027.xlsx`,
    );
    expect(res.headers.get('cache-control')).toContain('no-store');
    const workbook = await workbookOf(res);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Bảng theo dõi', 'Thông tin']);
    const rows = rowsOf(workbook.worksheets[0]!);
    expect(rows[0]!.slice(0, 4)).toEqual([
      'Mã đơn vị',
      'Tên đơn vị',
      'Nhóm đơn vị',
      'Kế hoạch triển khai – Trạng thái',
    ]);
    expect(rows.slice(1).map((r) => r.slice(0, 4))).toEqual([
      ['SO-VHTTDL', 'Sở Văn hóa, Thể thao và Du lịch', 'Sở, ban, ngành', 'Đã chấp nhận'],
      ['SO-YT', 'Sở Y tế', 'Sở, ban, ngành', 'Đã đề nghị'],
      ['UBND-P-DIENBIENPHU', 'Ủy ban nhân dân phường Điện Biên Phủ', 'UBND cấp xã', 'Quá hạn'],
    ]);
    expect(rows[1]![4]).toEqual(new Date('2027-01-29T00:00:00.000Z'));
    expect(rows[3]![7]).toBe('Có'); // flagged
  });

  it('downloads the matrix as CSV with the page’s filters (state, group, search)', async () => {
    const res = await viewer.fetch(
      `${xuat('ma-tran.csv')}?group=commune_committee&q=${encodeURIComponent('điện biên')}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="ma-tran-dien-bien-kh99-2027.csv"; filename*=UTF-8''ma-tran-dien-bien-kh99-2027.csv`,
    );
    expect(res.headers.get('cache-control')).toContain('no-store');
    const records = await csvOf(res);
    expect(records.slice(1).map((r) => r.slice(0, 5))).toEqual([
      ['UBND-P-DIENBIENPHU', 'Ủy ban nhân dân phường Điện Biên Phủ', 'UBND cấp xã', 'Quá hạn', '29/01/2027'],
    ]);
    const accepted = await csvOf(await viewer.fetch(`${xuat('ma-tran.csv')}?state=accepted`));
    expect(accepted.slice(1).map((r) => r[0])).toEqual(['SO-VHTTDL']);
    const english = await viewer.fetch(`${xuat('ma-tran.csv')}?lang=en&state=requested`);
    expect(english.headers.get('content-disposition')).toContain('filename="matrix-dien-bien-kh99-2027.csv"');
    const en = await csvOf(english);
    expect(en[0]!.slice(0, 2)).toEqual(['Agency code', 'Agency']);
    expect(en.slice(1).map((r) => r.slice(0, 4))).toEqual([
      ['SO-YT', 'Department of Health', 'Departments, boards and sectors', 'Requested'],
    ]);
  });

  it('downloads the submissions list as XLSX and CSV', async () => {
    const xlsx = await viewer.fetch(xuat('van-ban-nop.xlsx'));
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe(XLSX);
    expect(xlsx.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''van-ban-nop-dien-bien-kh99-2027.xlsx`,
    );
    const sheet = (await workbookOf(xlsx)).getWorksheet('Văn bản đã nộp')!;
    const row = sheet.getRow(2);
    expect([1, 2, 3, 4, 6, 7].map((c) => row.getCell(c).value)).toEqual([
      'KH99-2027-0001',
      'SO-VHTTDL',
      'Sở Văn hóa, Thể thao và Du lịch',
      'Kế hoạch triển khai',
      'Sình Thị Pà',
      'Kế hoạch triển khai công tác gia đình năm 2027 của Sở.',
    ]);
    expect(row.getCell(5).value).toEqual(new Date('2027-02-03T09:30:00.000Z')); // Vietnam wall time

    const csv = await viewer.fetch(xuat('van-ban-nop.csv'));
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('cache-control')).toContain('no-store');
    const records = await csvOf(csv);
    expect(records[0]!.slice(0, 3)).toEqual(['Số tiếp nhận', 'Mã đơn vị', 'Tên đơn vị']);
    expect(records[1]!.slice(-2)).toEqual(['Đã chấp nhận', 'Đạt yêu cầu, đề nghị triển khai đúng tiến độ.']);
  });

  it('downloads the consolidated report: drawn up now while none is stored, then the stored files', async () => {
    const html = await viewer.html(`/quan-ly/chu-ky/${seeded.cycleId}`);
    expect(html).toContain(`href="${xuat('bao-cao-tong-hop.docx')}" download>DOCX</a>`);
    const provisional = await viewer.fetch(xuat('bao-cao-tong-hop.pdf'));
    expect(provisional.status).toBe(200);
    expect(provisional.headers.get('content-type')).toBe('application/pdf');
    expect(provisional.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(
      Buffer.from(await provisional.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect(await database.db.prisma.auditEvent.count({ where: { action: 'report.consolidated' } })).toBe(0);

    const stored = await storeConsolidatedReport(database.db, files.root, seeded.cycleId);
    for (const file of stored.files) {
      const res = await viewer.fetch(xuat(`bao-cao-tong-hop.${file.format}`));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(file.contentType);
      const sha256 = createHash('sha256')
        .update(Buffer.from(await res.arrayBuffer()))
        .digest('hex');
      expect({ format: file.format, sha256 }).toEqual({ format: file.format, sha256: file.sha256 });
    }
  });

  it('serves nothing without a session (to the login page), and 404 for an unknown file or cycle', async () => {
    for (const file of [
      'ma-tran.xlsx',
      'ma-tran.csv',
      'van-ban-nop.xlsx',
      'van-ban-nop.csv',
      'bao-cao-tong-hop.docx',
    ]) {
      const res = await fetch(`${base}${xuat(file)}`, { redirect: 'manual' });
      expect({ file, status: res.status, location: res.headers.get('location') }).toEqual({
        file,
        status: 303,
        location: '/quan-ly/dang-nhap',
      });
      expect(res.headers.get('content-disposition')).toBeNull();
      expect(await res.text()).not.toContain('Sở');
    }
    const unknown = await viewer.fetch(xuat('ma-tran.pdf'));
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-disposition')).toBeNull();
    expect((await viewer.fetch(`/quan-ly/chu-ky/999999/xuat/ma-tran.csv`)).status).toBe(404);
    expect((await viewer.fetch(`/quan-ly/chu-ky/abc/xuat/van-ban-nop.xlsx`)).status).toBe(404);
  });
});
