import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { createObligationActivities, ObligationContext } from '../../../src/activities/obligations';
import { createMailer, type Mailer } from '../../../src/mail/mailer';
import {
  agencyName,
  exportMatrix,
  exportSubmissions,
  filterMatrix,
  loadMatrix,
  loadSubmissions,
  matrixCounts,
} from '../../../src/reports/exports';
import type { ObligationStage } from '../../../src/workflows/obligation-types';
import { seedCycle, type SeededCycle } from '../../support/cycle-fixture';
import { freshDatabase, providers, testSmtpUrl, type TestDatabase } from '../../support/databases';

const FROM = 'Phối hợp <phoihop@sovhttdl.dienbien.example>';
const VH = { code: 'SO-VHTTDL', name: 'Sở Văn hóa, Thể thao và Du lịch', group: 'department' };
const YT = { code: 'SO-YT', name: 'Sở Y tế', group: 'department' };
const DBP = {
  code: 'UBND-P-DIENBIENPHU',
  name: 'Ủy ban nhân dân phường Điện Biên Phủ',
  group: 'commune_committee',
};
/** 09:30 on 3 February 2027 in Vietnam. */
const PLAN_SUBMITTED = Date.UTC(2027, 1, 3, 2, 30);
/** 15:45 on 20 June 2027 in Vietnam. */
const REPORT_SUBMITTED = Date.UTC(2027, 5, 20, 8, 45);

type Activities = ReturnType<typeof createObligationActivities>;

/** A cycle part-way through the year, written by the activities the workflows call. */
async function buildReadModel(database: TestDatabase, seeded: SeededCycle, activities: Activities) {
  const workflowId = (code: string) => `cycle:dien-bien-kh99:2027:${code}`;
  const record = (agency: string, milestone: string, due: string, stage: ObligationStage, extra = {}) =>
    activities.recordObligation({
      cycleId: seeded.cycleId,
      agencyCode: agency,
      milestone,
      due,
      stage,
      ...extra,
    });
  const notify = (agency: typeof VH, milestone: string, step: string, escalate = false) =>
    activities.notifyObligation({
      workflowId: workflowId(agency.code),
      cycleId: seeded.cycleId,
      programVersionId: seeded.programVersionId,
      agency,
      milestone,
      slot: escalate ? 'escalation' : 'reminder',
      step: `${milestone}:${step}`,
      recipients: escalate ? ['head'] : ['focal_point'],
      due: '2027-01-29',
      linkExpiresAt: Date.UTC(2028, 0, 31),
      workingDaysLeft: escalate ? undefined : 5,
      workingDaysLate: escalate ? 5 : undefined,
    });

  // Kế hoạch triển khai: accepted late (VH), reminded (YT), escalated and flagged (Điện Biên Phủ).
  await record('SO-VHTTDL', 'annual-plan', '2027-01-29', 'accepted', {
    submittedAt: PLAN_SUBMITTED,
    lateByWorkingDays: 3,
  });
  await notify(VH, 'annual-plan', 'r0:remind-5');
  await activities.recordSubmission({
    cycleId: seeded.cycleId,
    agencyCode: 'SO-VHTTDL',
    milestone: 'annual-plan',
    receiptNumber: 'KH99-2027-0001',
    at: PLAN_SUBMITTED,
    submittedBy: 'Sình Thị Pà',
    summary: 'Kế hoạch triển khai công tác gia đình năm 2027 của Sở.',
    attachments: [
      {
        fileName: 'Kế hoạch 2027 – Sở VHTTDL.pdf',
        contentType: 'application/pdf',
        sizeBytes: 1024,
        sha256: 'a'.repeat(64),
        storagePath: 'x/1',
      },
    ],
  });
  await database.db.prisma.submission.update({
    where: { receiptNumber: 'KH99-2027-0001' },
    data: { status: 'accepted', reviewNote: 'Đạt yêu cầu, đề nghị triển khai đúng tiến độ.' },
  });
  await record('SO-YT', 'annual-plan', '2027-01-29', 'reminded');
  await notify(YT, 'annual-plan', 'r0:remind-5');
  await record('UBND-P-DIENBIENPHU', 'annual-plan', '2027-01-29', 'escalated', { flagged: true });
  await notify(DBP, 'annual-plan', 'r0:remind-5');
  await notify(DBP, 'annual-plan', 'r0:escalate-head', true);

  // Báo cáo 6 tháng: submitted with figures (VH), overdue after an extension whose round has no
  // escalation yet (YT: the r0 escalation no longer counts), requested (Điện Biên Phủ).
  await record('SO-VHTTDL', 'report-6m', '2027-06-16', 'submitted', { submittedAt: REPORT_SUBMITTED });
  await activities.recordSubmission({
    cycleId: seeded.cycleId,
    agencyCode: 'SO-VHTTDL',
    milestone: 'report-6m',
    receiptNumber: 'KH99-2027-0002',
    at: REPORT_SUBMITTED,
    submittedBy: 'Lường Thị Ánh',
    summary: 'Báo cáo kết quả 6 tháng đầu năm: đã tổ chức 12 cuộc tuyên truyền.',
    figures: { 'events-held': 12, participants: 1350, 'cultural-families': 87.5 },
    attachments: [
      {
        fileName: 'Báo cáo 6 tháng.docx',
        contentType: 'application/msword',
        sizeBytes: 10,
        sha256: 'b'.repeat(64),
        storagePath: 'x/2',
      },
      {
        fileName: 'Phụ lục số liệu.xlsx',
        contentType: 'application/vnd.ms-excel',
        sizeBytes: 10,
        sha256: 'c'.repeat(64),
        storagePath: 'x/3',
      },
    ],
  });
  await record('SO-YT', 'report-6m', '2027-06-23', 'overdue');
  await notify(YT, 'report-6m', 'r0:escalate-head', true);
  await notify(YT, 'report-6m', 'r1:remind-1');
  await record('UBND-P-DIENBIENPHU', 'report-6m', '2027-06-16', 'requested');
  // Kiểm tra: not due yet.
  await record('SO-YT', 'inspection', '2027-09-30', 'scheduled');
}

describe.each(providers)('cycle exports on %s', (provider) => {
  let database: TestDatabase;
  let seeded: SeededCycle;
  let mailer: Mailer;

  beforeAll(async () => {
    database = await freshDatabase(provider, `reports_exports_${provider}`);
    seeded = await seedCycle(database.db, 2027);
    mailer = createMailer({ url: testSmtpUrl(), from: FROM });
    const activities = createObligationActivities({
      db: database.db,
      mailer,
      from: FROM,
      links: { publicUrl: 'https://phoihop.dienbien.example', secret: 'k'.repeat(40) },
      context: new ObligationContext(database.db),
    });
    await buildReadModel(database, seeded, activities);
  });
  afterAll(async () => {
    mailer?.close();
    await database?.drop();
  });

  it('loads the matrix with reminded and escalated told apart by the notification log', async () => {
    const matrix = await loadMatrix(database.db, seeded.cycleId);
    expect(matrix?.milestones.map((m) => [m.key, m.title.vi])).toEqual([
      ['annual-plan', 'Kế hoạch triển khai'],
      ['report-6m', 'Báo cáo 6 tháng'],
      ['inspection', 'Kiểm tra việc thực hiện Kế hoạch'],
    ]);
    expect(matrix?.rows.map((r) => [r.code, r.group, ...r.cells.map((c) => c?.state ?? null)])).toEqual([
      ['SO-VHTTDL', 'department', 'accepted', 'submitted', null],
      ['SO-YT', 'department', 'reminded', 'overdue', 'pending'],
      ['UBND-P-DIENBIENPHU', 'commune_committee', 'escalated', 'requested', null],
    ]);
    const vh = matrix?.rows[0]?.cells[0];
    expect(vh).toMatchObject({ due: '2027-01-29', lateByWorkingDays: 3, flagged: false });
    expect(vh?.submittedAt?.getTime()).toBe(PLAN_SUBMITTED);
    expect(matrix?.rows[2]?.cells[0]?.flagged).toBe(true);
    expect(await loadMatrix(database.db, 999_999)).toBeUndefined();
  });

  it('filters the matrix by state, group, milestone and a search without diacritics', async () => {
    const codes = async (filters: Parameters<typeof loadMatrix>[2]) =>
      (await loadMatrix(database.db, seeded.cycleId, filters))?.rows.map((r) => r.code);
    expect(await codes({ states: ['escalated'] })).toEqual(['UBND-P-DIENBIENPHU']);
    expect(await codes({ states: ['overdue', 'pending'] })).toEqual(['SO-YT']);
    expect(await codes({ group: 'department' })).toEqual(['SO-VHTTDL', 'SO-YT']);
    expect(await codes({ q: 'dien bien phu' })).toEqual(['UBND-P-DIENBIENPHU']);
    expect(await codes({ q: 'VĂN HÓA' })).toEqual(['SO-VHTTDL']);
    const inspection = await loadMatrix(database.db, seeded.cycleId, { milestone: 'inspection' });
    expect(inspection?.milestones.map((m) => m.key)).toEqual(['inspection']);
    expect(inspection?.rows.map((r) => r.code)).toEqual(['SO-YT']);
    expect(await codes({ milestone: 'report-6m', states: ['reminded'] })).toEqual([]);
    // The English name is searched too; rows sort by the name in the language asked for.
    expect(await codes({ q: 'department of health' })).toEqual(['SO-YT']);
    const english = await loadMatrix(database.db, seeded.cycleId, {}, 'en');
    expect(english?.rows.map((r) => r.code)).toEqual(['SO-VHTTDL', 'SO-YT', 'UBND-P-DIENBIENPHU']);
    expect(english?.rows.map((r) => agencyName(r, 'en'))).toEqual([
      'Department of Culture, Sports and Tourism',
      'Department of Health',
      "People's Committee of Điện Biên Phủ ward",
    ]);
  });

  it('filters a loaded matrix again without the database (what the dashboard page does)', async () => {
    const full = (await loadMatrix(database.db, seeded.cycleId))!;
    const departments = filterMatrix(full, { group: 'department' });
    expect(departments.rows.map((r) => r.code)).toEqual(['SO-VHTTDL', 'SO-YT']);
    expect(matrixCounts(departments).find((c) => c.state === 'reminded')?.perMilestone).toEqual([1, 0, 0]);
    expect(filterMatrix(departments, { states: ['overdue'] }).rows.map((r) => r.code)).toEqual(['SO-YT']);
    expect(full.rows).toHaveLength(3); // the loaded matrix is left as it was
  });

  it('exports the matrix as CSV: UTF-8 with a BOM, Vietnamese headers and labels', async () => {
    const file = await exportMatrix(database.db, seeded.cycleId, { format: 'csv', lang: 'vi' });
    expect(file?.fileName).toBe('ma-tran-dien-bien-kh99-2027.csv');
    expect(file?.contentType).toBe('text/csv; charset=utf-8');
    const body = file?.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(body, { bom: true }) as string[][];
    expect(records[0]?.slice(0, 8)).toEqual([
      'Mã đơn vị',
      'Tên đơn vị',
      'Nhóm đơn vị',
      'Kế hoạch triển khai – Trạng thái',
      'Kế hoạch triển khai – Hạn',
      'Kế hoạch triển khai – Ngày nộp',
      'Kế hoạch triển khai – Muộn (ngày làm việc)',
      'Kế hoạch triển khai – Nêu tên trong báo cáo',
    ]);
    expect(records[0]).toHaveLength(3 + 3 * 5);
    expect(records.slice(1).map((r) => r.slice(0, 8))).toEqual([
      [
        'SO-VHTTDL',
        'Sở Văn hóa, Thể thao và Du lịch',
        'Sở, ban, ngành',
        'Đã chấp nhận',
        '29/01/2027',
        '03/02/2027 09:30',
        '3',
        'Không',
      ],
      ['SO-YT', 'Sở Y tế', 'Sở, ban, ngành', 'Đã nhắc', '29/01/2027', '', '', 'Không'],
      [
        'UBND-P-DIENBIENPHU',
        'Ủy ban nhân dân phường Điện Biên Phủ',
        'UBND cấp xã',
        'Đã đôn đốc',
        '29/01/2027',
        '',
        '',
        'Có',
      ],
    ]);
    expect(records[2]?.slice(8, 9)).toEqual(['Quá hạn']);
    expect(records[2]?.slice(13)).toEqual(['Chưa đến kỳ', '30/09/2027', '', '', 'Không']);
    expect(records[1]?.slice(13)).toEqual(['', '', '', '', '']);
  });

  it('exports the matrix as XLSX: bold frozen header, widths, real dates and numbers, named sheets', async () => {
    const file = await exportMatrix(database.db, seeded.cycleId, {
      format: 'xlsx',
      lang: 'vi',
      filters: { group: 'department' },
      now: new Date('2027-07-01T03:00:00Z'),
    });
    expect(file?.fileName).toBe('ma-tran-dien-bien-kh99-2027.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file?.body as never);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Bảng theo dõi', 'Thông tin']);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getRow(1).getCell(4).value).toBe('Kế hoạch triển khai – Trạng thái');
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.getColumn(2).width).toBe(45);
    expect(sheet.rowCount).toBe(3); // header and the two departments
    const vh = sheet.getRow(2);
    expect(vh.getCell(2).value).toBe('Sở Văn hóa, Thể thao và Du lịch');
    expect(vh.getCell(4).value).toBe('Đã chấp nhận');
    expect(vh.getCell(5).value).toEqual(new Date('2027-01-29T00:00:00.000Z'));
    expect(vh.getCell(5).numFmt).toBe('dd/mm/yyyy');
    expect(vh.getCell(6).value).toEqual(new Date('2027-02-03T09:30:00.000Z')); // Vietnam wall time
    expect(vh.getCell(7).value).toBe(3);
    expect(sheet.getRow(3).getCell(7).value).toBeNull();
    const about = workbook.worksheets[1] as ExcelJS.Worksheet;
    expect(about.getRow(2).values).toEqual([
      undefined,
      'Kế hoạch',
      expect.stringMatching(/\(dien-bien-kh99\)$/),
    ]);
    expect(about.getRow(4).getCell(2).value).toBe('01/07/2027 10:00 (UTC+7)');
    expect(about.getRow(5).getCell(2).value).toBe('group=department');
  });

  it('exports in English: headers, sheet names, file name and English agency names', async () => {
    const csv = await exportMatrix(database.db, seeded.cycleId, { format: 'csv', lang: 'en' });
    expect(csv?.fileName).toBe('matrix-dien-bien-kh99-2027.csv');
    const records = parse(csv?.body as Buffer, { bom: true }) as string[][];
    expect(records[0]?.slice(0, 4)).toEqual([
      'Agency code',
      'Agency',
      'Agency group',
      'Annual implementation plan – State',
    ]);
    expect(records[1]?.slice(1, 5)).toEqual([
      'Department of Culture, Sports and Tourism',
      'Departments, boards and sectors',
      'Accepted',
      '29/01/2027',
    ]);
    const xlsx = await exportSubmissions(database.db, seeded.cycleId, { format: 'xlsx', lang: 'en' });
    expect(xlsx?.fileName).toBe('submissions-dien-bien-kh99-2027.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx?.body as never);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Submissions', 'About']);
  });

  it('lists submissions with figures as columns, and exports them as CSV and XLSX', async () => {
    const list = await loadSubmissions(database.db, seeded.cycleId);
    expect(list?.figures.map((f) => f.key)).toEqual([
      'events-held',
      'participants',
      'violence-cases',
      'cultural-families',
    ]);
    expect(list?.rows.map((r) => [r.receiptNumber, r.milestoneKey, r.status, r.attachments])).toEqual([
      ['KH99-2027-0001', 'annual-plan', 'accepted', ['Kế hoạch 2027 – Sở VHTTDL.pdf']],
      ['KH99-2027-0002', 'report-6m', 'received', ['Báo cáo 6 tháng.docx', 'Phụ lục số liệu.xlsx']],
    ]);
    expect(
      (await loadSubmissions(database.db, seeded.cycleId, { milestone: 'annual-plan' }))?.rows,
    ).toHaveLength(1);

    const csv = await exportSubmissions(database.db, seeded.cycleId, { format: 'csv', lang: 'vi' });
    expect(csv?.fileName).toBe('van-ban-nop-dien-bien-kh99-2027.csv');
    const records = parse(csv?.body as Buffer, { bom: true }) as string[][];
    expect(records[0]).toEqual([
      'Số tiếp nhận',
      'Mã đơn vị',
      'Tên đơn vị',
      'Nhiệm vụ',
      'Thời điểm nộp',
      'Người chịu trách nhiệm',
      'Tóm tắt',
      'Số cuộc tuyên truyền, hội nghị, tập huấn về công tác gia đình đã tổ chức (cuộc)',
      'Số lượt người tham gia (lượt người)',
      'Số vụ bạo lực gia đình được phát hiện (vụ)',
      'Tỷ lệ hộ gia đình đạt danh hiệu "Gia đình văn hóa" (%)',
      'Tệp đính kèm',
      'Trạng thái',
      'Ý kiến xem xét',
    ]);
    expect(records[1]).toEqual([
      'KH99-2027-0001',
      'SO-VHTTDL',
      'Sở Văn hóa, Thể thao và Du lịch',
      'Kế hoạch triển khai',
      '03/02/2027 09:30',
      'Sình Thị Pà',
      'Kế hoạch triển khai công tác gia đình năm 2027 của Sở.',
      '',
      '',
      '',
      '',
      'Kế hoạch 2027 – Sở VHTTDL.pdf',
      'Đã chấp nhận',
      'Đạt yêu cầu, đề nghị triển khai đúng tiến độ.',
    ]);
    expect(records[2]?.slice(7, 13)).toEqual([
      '12',
      '1350',
      '',
      '87.5',
      'Báo cáo 6 tháng.docx; Phụ lục số liệu.xlsx',
      'Đã tiếp nhận, chờ xem xét',
    ]);

    const xlsx = await exportSubmissions(database.db, seeded.cycleId, { format: 'xlsx', lang: 'vi' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx?.body as never);
    const sheet = workbook.getWorksheet('Văn bản đã nộp') as ExcelJS.Worksheet;
    expect(sheet.getRow(1).font?.bold).toBe(true);
    const row = sheet.getRow(3);
    expect(row.getCell(1).value).toBe('KH99-2027-0002');
    expect(row.getCell(5).value).toEqual(new Date('2027-06-20T15:45:00.000Z')); // Vietnam wall time
    expect(row.getCell(5).numFmt).toBe('dd/mm/yyyy hh:mm');
    expect([8, 9, 10, 11].map((c) => row.getCell(c).value)).toEqual([12, 1350, null, 87.5]);
    expect(row.getCell(6).value).toBe('Lường Thị Ánh');
  });
  it('exports an agency name and a summary written as formulas as text, in CSV and XLSX', async () => {
    const formula = '=HYPERLINK("http://x","y")';
    const agency = await database.db.prisma.agency.findFirstOrThrow({ where: { code: 'SO-YT' } });
    const submission = await database.db.prisma.submission.findUniqueOrThrow({
      where: { receiptNumber: 'KH99-2027-0002' },
    });
    await database.db.prisma.agency.update({ where: { id: agency.id }, data: { name: formula } });
    await database.db.prisma.submission.update({ where: { id: submission.id }, data: { summary: formula } });
    try {
      const matrixCsv = await exportMatrix(database.db, seeded.cycleId, { format: 'csv', lang: 'vi' });
      const matrix = parse(matrixCsv?.body as Buffer, { bom: true }) as string[][];
      expect(matrix.find((r) => r[0] === 'SO-YT')?.[1]).toBe(`'${formula}`);
      const listCsv = await exportSubmissions(database.db, seeded.cycleId, { format: 'csv', lang: 'vi' });
      const list = parse(listCsv?.body as Buffer, { bom: true }) as string[][];
      const row = list.find((r) => r[0] === 'KH99-2027-0002')!;
      expect(row).toContain(`'${formula}`);
      expect(row).not.toContain(formula);

      const matrixXlsx = await exportMatrix(database.db, seeded.cycleId, { format: 'xlsx', lang: 'vi' });
      const listXlsx = await exportSubmissions(database.db, seeded.cycleId, { format: 'xlsx', lang: 'vi' });
      for (const file of [matrixXlsx, listXlsx]) {
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.load(file?.body as never);
        const cells: ExcelJS.Cell[] = [];
        workbook.worksheets[0]!.eachRow((r) => r.eachCell((c) => cells.push(c)));
        const found = cells.filter((c) => c.value === formula);
        expect(found.length).toBe(1);
        expect(found[0]!.type).toBe(ExcelJS.ValueType.String);
        expect(cells.some((c) => c.type === ExcelJS.ValueType.Formula)).toBe(false);
      }
    } finally {
      await database.db.prisma.agency.update({ where: { id: agency.id }, data: { name: agency.name } });
      await database.db.prisma.submission.update({
        where: { id: submission.id },
        data: { summary: submission.summary },
      });
    }
  });
});
