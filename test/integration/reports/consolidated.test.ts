// The consolidated report against two cycles with known outcomes (test/fixtures/reports): the data cell
// by cell, the DOCX, XLSX and PDF read back, the files stored and recorded, the email sent once.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { createReportActivities } from '../../../src/activities/report';
import { createMailer, type Mailer } from '../../../src/mail/mailer';
import {
  buildConsolidatedReport,
  latestConsolidatedReport,
  renderConsolidatedDocx,
  renderConsolidatedPdf,
  renderConsolidatedXlsx,
  storeConsolidatedReport,
  type ConsolidatedReport,
  type RateCounts,
} from '../../../src/reports/consolidated';
import {
  AGENCIES,
  consolidate,
  OUTCOMES_2027,
  seedTwoYears,
  type SeededYears,
} from '../../fixtures/reports/consolidated-cycle';
import { pdfPages, pdfText } from '../../fixtures/reports/pdf-text';
import {
  freshDatabase,
  providers,
  testMailpitApi,
  testSmtpUrl,
  type TestDatabase,
} from '../../support/databases';
import { MailpitApi } from '../../support/mailpit';

const NOW = new Date('2027-12-31T03:00:00Z');
// The consolidation is the lead's own milestone (this report): it is not counted against the lead.
const MILESTONES = ['annual-plan', 'report-6m', 'report-annual'];

/** Agencies in the report's order: by group (departments, mass organisations, communes), then name. */
const ORDER = [
  'SO-TP', // Sở Tư pháp
  'SO-VHTTDL', // Sở Văn hóa, Thể thao và Du lịch
  'SO-YT', // Sở Y tế
  'HLHPN-TINH', // Hội Liên hiệp Phụ nữ tỉnh
  'TINH-DOAN', // Tỉnh đoàn Thanh niên Cộng sản Hồ Chí Minh
  'UBND-P-DIENBIENPHU', // Ủy ban nhân dân phường Điện Biên Phủ
  'UBND-P-MUONGLAY', // Ủy ban nhân dân phường Mường Lay
  'UBND-X-BUNGLAO', // Ủy ban nhân dân xã Búng Lao
];

/** The Vietnamese label of a fixture cell, as the compliance table shows it. */
function label(cell: string | undefined): string {
  if (cell === undefined) return '–';
  const c = cell.replace(/!$/, '');
  const late = /^late:(\d+)$/.exec(c);
  if (late) return `Muộn ${late[1]} ngày`;
  return { 'on-time': 'Đúng hạn', missing: 'Chưa gửi', waived: 'Được miễn' }[c] ?? c;
}

function counts(
  owed: number,
  onTime: number,
  late: number,
  missing: number,
  waived: number,
): Partial<RateCounts> {
  return { owed, onTime, late, missing, waived, rate: owed > 0 ? onTime / owed : null };
}

function unzipEntry(buffer: Buffer, name: string, encoding: BufferEncoding = 'utf8'): Promise<string> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('not a zip'));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => resolve(Buffer.concat(chunks).toString(encoding)));
        });
      });
      zip.on('end', () => reject(new Error(`${name} not in the archive`)));
      zip.readEntry();
    });
  });
}

function xmlText(xml: string): string {
  return [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)]
    .map((m) => m[1]!)
    .join('')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'");
}

/** Every table of word/document.xml as rows of cell texts. */
function docxTables(xml: string): string[][][] {
  return [...xml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)].map((t) =>
    [...t[1]!.matchAll(/<w:tr[\s>]([\s\S]*?)<\/w:tr>/g)].map((r) =>
      [...r[1]!.matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map((c) => xmlText(c[1]!)),
    ),
  );
}

describe.each(providers)('consolidated report on %s', (provider) => {
  // One From domain per provider: both runs share the jest run's Mailpit, and the Message-ID's domain
  // comes from the From address.
  const FROM = `Phối hợp <phoihop@${provider}.sovhttdl.dienbien.example>`;
  let database: TestDatabase;
  let years: SeededYears;
  let report: ConsolidatedReport;
  let filesRoot: string;
  let mailer: Mailer;

  beforeAll(async () => {
    database = await freshDatabase(provider, `reports_consolidated_${provider}`);
    years = await seedTwoYears(database.db);
    filesRoot = mkdtempSync(join(tmpdir(), 'phoihop-report-files-'));
    mailer = createMailer({ url: testSmtpUrl(), from: FROM });
  });
  afterAll(async () => {
    mailer?.close();
    await database?.drop();
    if (filesRoot) rmSync(filesRoot, { recursive: true, force: true });
  });

  it('derives the outcomes from the obligations before consolidation, and the same from the summary after', async () => {
    const before = await buildConsolidatedReport(database.db, years.cycle2027, { lang: 'vi', now: NOW });
    expect(before?.cycle.final).toBe(false);
    await consolidate(database.db, years.cycle2027);
    const after = await buildConsolidatedReport(database.db, years.cycle2027, { lang: 'vi', now: NOW });
    expect(after?.cycle.final).toBe(true);
    expect(after?.compliance).toEqual(before?.compliance);
    report = after!;
  });

  it('has the compliance table cell by cell', () => {
    expect(report.milestones.map((m) => m.key)).toEqual(MILESTONES);
    expect(report.groups).toEqual(['department', 'mass_organisation', 'commune_committee']);
    expect(report.compliance.map((r) => r.code)).toEqual(ORDER);
    expect(ORDER.slice().sort()).toEqual([...AGENCIES].sort());
    for (const row of report.compliance) {
      const expected = OUTCOMES_2027[row.code as (typeof AGENCIES)[number]];
      MILESTONES.forEach((m, i) => {
        const cell = expected[m]?.replace(/!$/, '');
        const outcome = row.outcomes[i];
        if (cell === undefined) expect(outcome).toBeNull();
        else if (cell.startsWith('late:'))
          expect(outcome).toEqual({ kind: 'late', days: Number(cell.slice(5)) });
        else expect(outcome).toEqual({ kind: cell });
      });
    }
    expect(report.flagged.map((a) => [a.code, a.milestones.map((m) => m.milestone)])).toEqual([
      ['UBND-P-DIENBIENPHU', ['annual-plan', 'report-6m']],
    ]);
  });

  it('computes the on-time rates per milestone, per group and overall (waived not owed)', () => {
    const plan = report.rates[0]!;
    expect(plan.overall).toMatchObject(counts(7, 4, 2, 1, 1));
    expect(plan.overall.assigned).toBe(8);
    expect(plan.overall.averageLateDays).toBe(2);
    expect(plan.byGroup.map((g) => [g.group, g.counts.owed, g.counts.onTime])).toEqual([
      ['department', 3, 2],
      ['mass_organisation', 1, 1],
      ['commune_committee', 3, 1],
    ]);
    expect(report.rates[1]!.overall).toMatchObject(counts(8, 4, 2, 2, 0));
    expect(report.rates[1]!.overall.averageLateDays).toBe(3.5);
    expect(report.rates[2]!.overall).toMatchObject(counts(8, 7, 0, 1, 0));
    // The lead's consolidation (on time in the fixture) is in neither the milestones nor the totals.
    expect(report.rates.map((r) => r.milestone)).toEqual(MILESTONES);
    expect(report.totals.overall).toMatchObject(counts(23, 15, 4, 4, 1));
    expect(report.totals.byGroup.map((g) => [g.group, g.counts.owed, g.counts.onTime])).toEqual([
      ['department', 9, 7],
      ['mass_organisation', 5, 4],
      ['commune_committee', 9, 4],
    ]);
  });

  it('lists the late and missing agencies with their milestones and days', () => {
    expect(report.late.map((a) => [a.code, a.milestones])).toEqual([
      ['SO-TP', [{ milestone: 'report-6m', days: 2 }]],
      ['SO-YT', [{ milestone: 'annual-plan', days: 3 }]],
      ['UBND-P-MUONGLAY', [{ milestone: 'annual-plan', days: 1 }]],
      ['UBND-X-BUNGLAO', [{ milestone: 'report-6m', days: 5 }]],
    ]);
    expect(report.missing.map((a) => [a.code, a.milestones.map((m) => m.milestone)])).toEqual([
      ['TINH-DOAN', ['report-6m']],
      ['UBND-P-DIENBIENPHU', ['annual-plan', 'report-6m', 'report-annual']],
    ]);
  });

  it('totals the figures of the accepted (else last) submissions, averaging percentages', () => {
    expect(report.figures.map((f) => f.milestone)).toEqual(['report-6m', 'report-annual']);
    const sixMonths = report.figures[0]!;
    expect(sixMonths.submissions).toBe(6);
    expect(sixMonths.figures.map((f) => [f.key, f.aggregate, f.value, f.agencies])).toEqual([
      ['events-held', 'sum', 51, 6],
      ['participants', 'sum', 4900, 6],
      ['violence-cases', 'sum', 7, 5],
      ['cultural-families', 'mean', 78.6, 5],
    ]);
    // Nobody has reported the annual figures yet: "không có số liệu", not 0.
    expect(report.figures[1]!.submissions).toBe(0);
    expect(report.figures[1]!.figures.map((f) => [f.value, f.agencies])).toEqual([
      [null, 0],
      [null, 0],
      [null, 0],
      [null, 0],
    ]);
  });

  it('has an empty inspections section', () => {
    expect(report.inspections).toEqual({
      findings: [],
      agencies: 0,
      recommendations: { total: 0, closed: 0, open: 0, overdue: 0 },
    });
  });

  it('compares with the previous year', () => {
    const c = report.comparison!;
    expect(c.previousYear).toBe(2026);
    expect(c.previousCycleId).toBe(years.cycle2026);
    expect(c.milestones.map((m) => [m.milestone, m.previous.onTime, m.previous.owed, m.ratePoints])).toEqual([
      ['annual-plan', 3, 8, 19.6],
      ['report-6m', 5, 8, -12.5],
      ['report-annual', 6, 8, 12.5],
    ]);
    expect(c.milestones[0]).toMatchObject({ onTimeDelta: 1, lateDelta: -1, missingDelta: -1 });
    expect(c.overall.previous).toMatchObject(counts(24, 14, 5, 5, 0));
    expect(c.overall.ratePoints).toBe(6.9);
  });

  it('writes the narrative in formal Vietnamese and in English from the numbers', async () => {
    const text = report.narrative.join('\n');
    expect(report.narrative[0]).toBe(
      'Thực hiện Kế hoạch số 99/KH-UBND ngày 12/01/2022 của Ủy ban nhân dân tỉnh Điện Biên, năm 2027 có 8 đơn vị thuộc 3 nhóm ' +
        '(Sở, ban, ngành; Mặt trận Tổ quốc và các đoàn thể; UBND cấp xã) được giao 3 nhiệm vụ có thời hạn. ' +
        'Tỷ lệ đúng hạn được tính bằng số đơn vị gửi đúng hạn trên số đơn vị phải gửi; ' +
        'các trường hợp được miễn không tính vào số phải gửi.',
    );
    expect(text).toContain(
      'Năm 2027, 4/7 đơn vị (57,1%) gửi Kế hoạch triển khai đúng hạn, tăng 19,6 điểm phần trăm so với năm 2026; ' +
        '2 đơn vị gửi muộn (bình quân 2,0 ngày làm việc); 1 đơn vị chưa gửi; 1 đơn vị được miễn.',
    );
    expect(text).toContain(
      'Đối với Báo cáo 6 tháng, 4/8 đơn vị (50,0%) gửi đúng hạn, giảm 12,5 điểm phần trăm so với năm 2026;',
    );
    expect(text).toContain('Tính chung các nhiệm vụ, tỷ lệ gửi đúng hạn đạt 65,2% (15/23 lượt)');
    expect(text).toContain(
      'Các đơn vị chưa gửi: Tỉnh đoàn Thanh niên Cộng sản Hồ Chí Minh (Báo cáo 6 tháng) và ',
    );
    expect(text).toContain('Sở Y tế (Kế hoạch triển khai, muộn 3 ngày làm việc)');
    expect(text).toContain('số lượt người tham gia: 4.900 lượt người');
    expect(text).toContain('bình quân');
    expect(text).toContain('78,6% (bình quân)');
    expect(text).toContain('Trong năm chưa ghi nhận cuộc kiểm tra nào.');
    expect(text).toContain(
      'So với năm 2026, tỷ lệ gửi đúng hạn chung đạt 65,2%, tăng 6,9 điểm phần trăm (năm 2026: 58,3%)',
    );
    expect(text).toContain('Sở Văn hóa, Thể thao và Du lịch đề nghị Ủy ban nhân dân tỉnh Điện Biên chỉ đạo');

    const en = await buildConsolidatedReport(database.db, years.cycle2027, { lang: 'en', now: NOW });
    const english = en!.narrative.join('\n');
    expect(english).toContain(
      'In 2027, 4/7 agencies (57.1%) sent the annual implementation plan on time, up 19.6 percentage points on 2026;',
    );
    expect(english).toContain('participants (attendances): 4,900 attendances');
    expect(english).toContain(
      'For the 6-month report, 4/8 agencies (50.0%) were on time, down 12.5 percentage points on 2026;',
    );
    expect(english).toContain('1 was waived.');
    expect(english).toContain('No inspections recorded this cycle.');
  });

  it('renders a DOCX that reads back with the header, the sections and the compliance table', async () => {
    const file = await renderConsolidatedDocx(report);
    expect(file.fileName).toBe('bao-cao-tong-hop-dien-bien-kh99-2027.docx');
    const xml = await unzipEntry(file.body, 'word/document.xml');
    const text = xmlText(xml);
    for (const expected of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH',
      'Số:      /BC-SVHTTDL',
      'Điện Biên, ngày      tháng      năm',
      'BÁO CÁO',
      'Kết quả thực hiện Kế hoạch số 99/KH-UBND ngày 12/01/2022 của Ủy ban nhân dân tỉnh Điện Biên năm 2027',
      'I. KHÁI QUÁT KẾT QUẢ',
      'IV. KẾT QUẢ KIỂM TRA VÀ TÌNH HÌNH THỰC HIỆN KIẾN NGHỊ',
      'Trong năm chưa ghi nhận cuộc kiểm tra nào.',
      'V. SO SÁNH VỚI NĂM 2026',
      'Nơi nhận:',
      report.narrative[1]!,
    ])
      expect(text).toContain(expected);
    expect(xml).toContain('Times New Roman');
    // Decree 30's form: no "Kính gửi" in a báo cáo; the annex says which report it goes with; the signer's
    // title from the program; the place's name held together in the header.
    expect(text).not.toContain('Kính gửi');
    expect(text).toContain(
      'PHỤ LỤC(Kèm theo Báo cáo số      /BC-SVHTTDL ngày      tháng      năm      của Sở Văn hóa, Thể thao và Du lịch)',
    );
    expect(text).toContain('GIÁM ĐỐC(Ký, ghi rõ họ tên, đóng dấu)');
    expect(text).toContain('ỦY BAN NHÂN DÂN TỈNH ĐIỆN\u00a0BIÊN');
    // Page numbers: a PAGE field in the header of every page but the first (titlePage, empty first header).
    expect(xml).toMatch(/<w:titlePg\/>/);
    const headers = await Promise.all(
      [...xml.matchAll(/<w:headerReference w:type="(default|first)" r:id="(rId\d+)"\/>/g)].map(async (m) => {
        const rels = await unzipEntry(file.body, 'word/_rels/document.xml.rels');
        const target = new RegExp(`Id="${m[2]}"[^>]*Target="([^"]+)"`).exec(rels)?.[1];
        return [m[1], await unzipEntry(file.body, `word/${target}`)] as const;
      }),
    );
    expect(headers.map(([type]) => type).sort()).toEqual(['default', 'first']);
    for (const [type, header] of headers)
      expect([type, /PAGE/.test(header)]).toEqual([type, type === 'default']);

    const tables = docxTables(xml);
    const annex = tables.at(-1)!;
    expect(annex[0]).toEqual([
      'STT',
      'Tên đơn vị',
      'Kế hoạch triển khai',
      'Báo cáo 6 tháng',
      'Báo cáo kết quả thực hiện',
    ]);
    const agencyRows = annex.slice(1).filter((r) => r[0] !== '');
    expect(agencyRows.map((r) => r[0])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    agencyRows.forEach((r, i) => {
      const code = ORDER[i] as (typeof AGENCIES)[number];
      expect(r[1]).toBe(report.compliance[i]!.name);
      expect(r.slice(2)).toEqual(MILESTONES.map((m) => label(OUTCOMES_2027[code][m])));
    });
    const rates = tables.find((t) => t[0]?.[7] === 'Tỷ lệ đúng hạn')!;
    expect(rates).toContainEqual([
      'Kế hoạch triển khai',
      'Tất cả các đơn vị',
      '7',
      '4',
      '2',
      '1',
      '1',
      '57,1%',
    ]);
    expect(rates).toContainEqual(['Kế hoạch triển khai', 'UBND cấp xã', '3', '1', '1', '1', '0', '33,3%']);
    expect(rates.at(-1)).toEqual([
      'Chung các nhiệm vụ',
      'Tất cả các đơn vị',
      '23',
      '15',
      '4',
      '4',
      '1',
      '65,2%',
    ]);
    const figures = tables.find((t) => t[0]?.[1] === 'Chỉ tiêu')!;
    expect(figures.slice(1).map((r) => r.slice(2))).toEqual([
      ['cuộc', '51', '6'],
      ['lượt người', '4.900', '6'],
      ['vụ', '7', '5'],
      ['%', '78,6', '5'],
    ]);
    const comparison = tables.find((t) => t[0]?.[3] === 'Chênh lệch (điểm %)')!;
    expect(comparison.slice(1).map((r) => r.slice(1, 4))).toEqual([
      ['37,5%', '57,1%', '+19,6'],
      ['62,5%', '50,0%', '-12,5'],
      ['75,0%', '87,5%', '+12,5'],
      ['58,3%', '65,2%', '+6,9'],
    ]);
  });

  it('renders the XLSX tables that read back with exceljs', async () => {
    const file = await renderConsolidatedXlsx(report);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.body as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      'Tình hình thực hiện',
      'Tỷ lệ đúng hạn',
      'Muộn, chưa gửi',
      'So sánh năm trước',
    ]);
    const sheet = workbook.getWorksheet('Tình hình thực hiện')!;
    expect(sheet.rowCount).toBe(1 + 8);
    ORDER.forEach((code, i) => {
      const values = (sheet.getRow(i + 2).values as unknown[]).slice(1);
      const row = OUTCOMES_2027[code as (typeof AGENCIES)[number]];
      expect(values[0]).toBe(code);
      const n = MILESTONES.length;
      expect(values.slice(3, 3 + n)).toEqual(MILESTONES.map((m) => label(row[m])));
      expect(values.slice(3 + n, 3 + 2 * n)).toEqual(
        MILESTONES.map((m) => {
          const late = /^late:(\d+)$/.exec(row[m] ?? '');
          return late ? Number(late[1]) : undefined;
        }),
      );
    });
    const rates = workbook.getWorksheet('Tỷ lệ đúng hạn')!;
    const last = (rates.getRow(rates.rowCount).values as unknown[]).slice(1);
    expect(last).toEqual(['Chung các nhiệm vụ', 'Tất cả các đơn vị', 23, 15, 4, 4, 1, 65.2]);
    const lists = workbook.getWorksheet('Muộn, chưa gửi')!;
    expect((lists.getRow(2).values as unknown[]).slice(1)).toEqual([
      'Muộn',
      'SO-TP',
      'Sở Tư pháp',
      'Sở, ban, ngành',
      'Báo cáo 6 tháng',
      2,
    ]);
    expect(lists.rowCount).toBe(1 + 4 + 4);
    const comparison = workbook.getWorksheet('So sánh năm trước')!;
    expect((comparison.getRow(2).values as unknown[]).slice(1, 5)).toEqual([
      'Kế hoạch triển khai',
      37.5,
      57.1,
      19.6,
    ]);
  });

  it('renders a PDF whose text reads back in Vietnamese', async () => {
    const file = await renderConsolidatedPdf(report);
    expect(file.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // Lines wrap at spaces: compare with the line breaks as spaces.
    const text = pdfText(file.body).replace(/\s+/g, ' ');
    for (const expected of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH',
      'BÁO CÁO',
      'Nơi nhận:',
      'Ủy ban nhân dân phường Điện Biên Phủ',
      'Muộn 3 ngày',
      '57,1%',
      'Trong năm chưa ghi nhận cuộc kiểm tra nào.',
      'Số: /BC-SVHTTDL',
      '(Kèm theo Báo cáo số /BC-SVHTTDL ngày tháng năm của Sở Văn hóa, Thể thao và Du lịch)',
    ])
      expect(text).toContain(expected);
    expect(text).not.toContain('Kính gửi');
    // Page numbers at the top from page 2: each later page's first line is its number, the first has none.
    const pages = pdfPages(file.body);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages[0]![0]).toBe('ỦY BAN NHÂN DÂN TỈNH ĐIỆN\u00a0BIÊN');
    expect(pages.slice(1).map((lines) => lines.at(-1))).toEqual(pages.slice(1).map((_, i) => String(i + 2)));
  });

  it('puts the progress charts into the DOCX and the PDF as pictures with their text alternatives', async () => {
    // From the read model: per milestone the owing agencies' submission dates; from the cycle's plan (the
    // program on the holiday calendar: the annual plan due Fri 12/02/2027) the due date and the
    // escalation steps; per group this year's and last year's on-time rates.
    expect(report.progress.map((p) => [p.milestone, p.owed, p.due])).toEqual([
      ['annual-plan', 7, '2027-02-12'],
      ['report-6m', 8, '2027-06-16'],
      ['report-annual', 8, '2027-12-16'],
    ]);
    expect(report.progress[0]!.steps.length).toBeGreaterThan(0);
    expect(report.progress[0]!.steps.every((s) => s.on > '2027-02-12')).toBe(true);
    expect(
      report.comparison!.byGroup.map((g) => [g.group, g.current.rate !== null, g.previous !== null]),
    ).toEqual(report.groups.map((g) => [g, true, true]));

    const captions = [
      'Kết quả thực hiện theo nhóm đơn vị (tất cả các mốc)',
      'Tiến độ gửi báo cáo: Kế hoạch triển khai',
      'Tiến độ gửi báo cáo: Báo cáo 6 tháng',
      'Tiến độ gửi báo cáo: Báo cáo kết quả thực hiện',
      'Tỷ lệ gửi đúng hạn theo nhóm đơn vị: tất cả các mốc',
    ];
    const docx = await renderConsolidatedDocx(report);
    const xml = await unzipEntry(docx.body, 'word/document.xml');
    // One inline picture per chart, its description the chart's text alternative.
    const pictures = [...xml.matchAll(/<wp:docPr [^>]*descr="([^"]*)"[^>]*title="([^"]*)"/g)].map((m) => ({
      descr: m[1]!.replace(/&amp;/g, '&'),
      title: m[2]!,
    }));
    expect(pictures.map((p) => p.title)).toEqual(captions);
    const outcomes = pictures[0]!.descr;
    const department = report.totals.byGroup.find((g) => g.group === 'department')!.counts;
    expect(outcomes).toContain(`Sở, ban, ngành: Đúng hạn ${department.onTime}, Muộn ${department.late}`);
    expect(pictures[4]!.descr).toMatch(/Sở, ban, ngành: Năm 2027 [\d,]+%, Năm 2026 [\d,]+%/);
    // The pictures are PNG files in the package, each referenced from the document.
    const rels = await unzipEntry(docx.body, 'word/_rels/document.xml.rels');
    const media = [...rels.matchAll(/Target="(media\/[^"]+\.png)"/g)].map((m) => m[1]!);
    expect(media.length).toBe(captions.length);
    const png = await unzipEntry(docx.body, `word/${media[0]!}`, 'binary');
    expect(Buffer.from(png, 'binary').subarray(1, 4).toString('latin1')).toBe('PNG');
    // The caption under each picture.
    for (const caption of captions) expect(xmlText(xml)).toContain(caption);

    const pdf = await renderConsolidatedPdf(report);
    // An image XObject per chart; pdfkit keeps a PNG's alpha channel as a second one, its soft mask.
    const raw = pdf.body.toString('latin1');
    const images = raw.match(/\/Subtype \/Image/g) ?? [];
    const masks = raw.match(/\/SMask \d+ 0 R/g) ?? [];
    expect(images.length - masks.length).toBe(captions.length);
    const text = pdfText(pdf.body).replace(/\s+/g, ' ');
    for (const caption of captions) expect(text).toContain(caption);
  });

  it('stores the three files content-addressed and records them in the audit log', async () => {
    const stored = await storeConsolidatedReport(database.db, filesRoot, years.cycle2027, { now: NOW });
    expect(stored.subject).toBe('cycle:dien-bien-kh99:2027');
    expect(stored.files.map((f) => [f.format, f.fileName])).toEqual([
      ['docx', 'bao-cao-tong-hop-dien-bien-kh99-2027.docx'],
      ['pdf', 'bao-cao-tong-hop-dien-bien-kh99-2027.pdf'],
      ['xlsx', 'bao-cao-tong-hop-dien-bien-kh99-2027.xlsx'],
    ]);
    for (const f of stored.files) {
      expect(f.storagePath).toBe(`${f.sha256.slice(0, 2)}/${f.sha256}.${f.format}`);
      expect(statSync(join(filesRoot, f.storagePath)).size).toBe(f.sizeBytes);
      const { createHash } = await import('node:crypto');
      expect(
        createHash('sha256')
          .update(readFileSync(join(filesRoot, f.storagePath)))
          .digest('hex'),
      ).toBe(f.sha256);
    }
    const event = await database.db.prisma.auditEvent.findUniqueOrThrow({
      where: { id: stored.auditEventId },
    });
    expect(event).toMatchObject({
      action: 'report.consolidated',
      subject: 'cycle:dien-bien-kh99:2027',
      actor: 'system',
    });
    expect((event.details as { files: unknown[] }).files).toEqual(stored.files);
    expect(await latestConsolidatedReport(database.db, years.cycle2027)).toEqual(stored);
  });

  it('emails the DOCX and PDF to the leadership once, however often it is called', async () => {
    const activities = createReportActivities({ db: database.db, mailer, from: FROM, filesRoot });
    const first = await activities.sendConsolidatedReport({ cycleId: years.cycle2027 });
    const second = await activities.sendConsolidatedReport({ cycleId: years.cycle2027 });
    expect(first.deliveries.map((d) => [d.to, d.alreadySent])).toEqual([
      ['lanhdao@ubnd.dienbien.example', false],
    ]);
    expect(second.deliveries.map((d) => [d.to, d.alreadySent])).toEqual([
      ['lanhdao@ubnd.dienbien.example', true],
    ]);
    expect(second.auditEventId).toBe(first.auditEventId);
    const messageId = first.deliveries[0]!.messageId;
    expect(second.deliveries[0]!.messageId).toBe(messageId);

    const api = new MailpitApi(testMailpitApi());
    const [summary] = await api.waitFor((m) => `<${m.MessageID}>` === messageId);
    await new Promise((r) => setTimeout(r, 500));
    expect((await api.list()).filter((m) => `<${m.MessageID}>` === messageId)).toHaveLength(1);
    const detail = (await api.get(summary!.ID)) as unknown as {
      Subject: string;
      Text: string;
      Attachments: { FileName: string; ContentType: string; Size: number }[];
    };
    expect(detail.Subject).toBe(
      'Báo cáo kết quả thực hiện Kế hoạch số 99/KH-UBND năm 2027 / Report on Plan No. 99/KH-UBND, 2027',
    );
    expect(detail.Text).toContain('Kính gửi: Quàng Văn Thành, Phó Chủ tịch Ủy ban nhân dân tỉnh');
    expect(detail.Text).toContain('Tỷ lệ gửi đúng hạn chung đạt 65,2%.');
    const files = first.files.filter((f) => f.format !== 'xlsx');
    expect(detail.Attachments.map((a) => [a.FileName, a.ContentType, a.Size])).toEqual(
      files.map((f) => [f.fileName, f.contentType, f.sizeBytes]),
    );
    const log = await database.db.prisma.notification.findMany({ where: { step: 'report:consolidated' } });
    expect(log.map((n) => [n.idempotencyKey, n.status, n.attempts])).toEqual([
      ['cycle:dien-bien-kh99:2027:report:consolidated:lanhdao@ubnd.dienbien.example', 'sent', 1],
    ]);
  });

  it('fills the inspections section from the cycle’s inspections and recommendations', async () => {
    const prisma = database.db.prisma;
    const agencyId = async (code: string) =>
      (await prisma.agency.findUniqueOrThrow({ where: { code }, select: { id: true } })).id;
    const day = (d: string) => new Date(`${d}T00:00:00Z`);
    let n = 0;
    const inspect = async (
      cycleId: number,
      code: string,
      kind: 'kiem_tra' | 'thanh_tra',
      visitOn: string,
      status: 'visited' | 'concluded' | 'closed' | 'cancelled',
      recommendations: { status: 'open' | 'reported' | 'closed'; dueOn: string }[],
    ) => {
      const inspection = await prisma.inspection.create({
        data: {
          cycleId,
          agencyId: await agencyId(code),
          kind,
          visitOn: day(visitOn),
          status,
          conclusion: status === 'cancelled' || status === 'visited' ? null : `Kết luận ${code}`,
          concludedAt: status === 'cancelled' || status === 'visited' ? null : day(visitOn),
          workflowId: `inspection:test:${cycleId}:${code}:${++n}`,
        },
      });
      for (const [i, r] of recommendations.entries())
        await prisma.recommendation.create({
          data: {
            inspectionId: inspection.id,
            number: i + 1,
            text: `Kiến nghị ${i + 1}`,
            dueOn: day(r.dueOn),
            status: r.status,
            reportedAt: r.status === 'open' ? null : day('2027-11-30'),
            closedAt: r.status === 'closed' ? day('2027-12-01') : null,
          },
        });
    };
    // The report's date is 31/12/2027 (NOW). Listed out of visit order on purpose.
    await inspect(years.cycle2027, 'SO-TP', 'kiem_tra', '2027-11-20', 'concluded', [
      { status: 'closed', dueOn: '2027-12-10' },
      // Past due but reported: open, not overdue.
      { status: 'reported', dueOn: '2027-12-01' },
    ]);
    await inspect(years.cycle2027, 'SO-YT', 'kiem_tra', '2027-05-10', 'closed', [
      { status: 'closed', dueOn: '2027-07-01' },
      { status: 'closed', dueOn: '2027-08-01' },
    ]);
    await inspect(years.cycle2027, 'UBND-X-BUNGLAO', 'thanh_tra', '2027-09-15', 'concluded', [
      { status: 'closed', dueOn: '2027-11-01' },
      { status: 'closed', dueOn: '2027-11-15' },
      { status: 'open', dueOn: '2027-12-20' },
    ]);
    // Listed but not counted as inspected: a visit without its conclusion yet.
    await inspect(years.cycle2027, 'HLHPN-TINH', 'kiem_tra', '2027-12-20', 'visited', []);
    // Left out: a cancelled inspection, and the previous year's cycle.
    await inspect(years.cycle2027, 'TINH-DOAN', 'kiem_tra', '2027-10-01', 'cancelled', []);
    await inspect(years.cycle2026, 'SO-TP', 'thanh_tra', '2026-06-01', 'concluded', [
      { status: 'open', dueOn: '2026-08-01' },
    ]);

    const vi = (await buildConsolidatedReport(database.db, years.cycle2027, { lang: 'vi', now: NOW }))!;
    const name = (code: string) => report.compliance.find((r) => r.code === code)!.name;
    expect(vi.inspections.agencies).toBe(3);
    expect(vi.inspections.recommendations).toEqual({ total: 7, closed: 5, open: 2, overdue: 1 });
    expect(
      vi.inspections.findings.map((f) => [
        f.agency.code,
        f.agency.name,
        f.kind,
        f.visitOn,
        f.status,
        f.conclusion,
        f.recommendations,
      ]),
    ).toEqual([
      [
        'SO-YT',
        name('SO-YT'),
        'kiem_tra',
        '2027-05-10',
        'closed',
        'Kết luận SO-YT',
        { total: 2, closed: 2, open: 0, overdue: 0 },
      ],
      [
        'UBND-X-BUNGLAO',
        name('UBND-X-BUNGLAO'),
        'thanh_tra',
        '2027-09-15',
        'concluded',
        'Kết luận UBND-X-BUNGLAO',
        { total: 3, closed: 2, open: 1, overdue: 1 },
      ],
      [
        'SO-TP',
        name('SO-TP'),
        'kiem_tra',
        '2027-11-20',
        'concluded',
        'Kết luận SO-TP',
        { total: 2, closed: 1, open: 1, overdue: 0 },
      ],
      [
        'HLHPN-TINH',
        name('HLHPN-TINH'),
        'kiem_tra',
        '2027-12-20',
        'visited',
        null,
        { total: 0, closed: 0, open: 0, overdue: 0 },
      ],
    ]);
    const sentence =
      'Năm 2027 đã kiểm tra 3 đơn vị, ban hành 7 kiến nghị; 5 kiến nghị đã khắc phục, 2 kiến nghị còn mở, trong đó 1 kiến nghị quá hạn.';
    expect(vi.narrative).toContain(sentence);
    expect(vi.narrative.join('\n')).not.toContain('Trong năm chưa ghi nhận cuộc kiểm tra nào.');
    // The previous year's report sees only its own inspection.
    const previous = await buildConsolidatedReport(database.db, years.cycle2026, { lang: 'vi', now: NOW });
    expect(previous!.inspections.recommendations).toEqual({ total: 1, closed: 0, open: 1, overdue: 1 });

    const en = (await buildConsolidatedReport(database.db, years.cycle2027, { lang: 'en', now: NOW }))!;
    expect(en.narrative).toContain(
      'In 2027, 3 agencies were inspected and 7 recommendations issued; 5 remedied, 2 still open, of which 1 overdue.',
    );
    expect(en.narrative.join('\n')).not.toContain('No inspections recorded this cycle.');

    const headers = [
      'STT',
      'Đơn vị được kiểm tra',
      'Hình thức',
      'Ngày kiểm tra',
      'Trạng thái',
      'Số kiến nghị',
      'Đã khắc phục',
      'Còn mở',
      'Quá hạn',
    ];
    const xml = await unzipEntry((await renderConsolidatedDocx(vi)).body, 'word/document.xml');
    const text = xmlText(xml);
    expect(text).toContain('IV. KẾT QUẢ KIỂM TRA VÀ TÌNH HÌNH THỰC HIỆN KIẾN NGHỊ');
    expect(text).toContain(sentence);
    expect(text).not.toContain('Trong năm chưa ghi nhận cuộc kiểm tra nào.');
    const table = docxTables(xml).find((t) => t[0]?.[2] === 'Hình thức')!;
    expect(table).toEqual([
      headers,
      ['1', name('SO-YT'), 'Kiểm tra', '10/05/2027', 'Đã hoàn thành', '2', '2', '0', '0'],
      ['2', name('UBND-X-BUNGLAO'), 'Thanh tra', '15/09/2027', 'Đã kết luận', '3', '2', '1', '1'],
      ['3', name('SO-TP'), 'Kiểm tra', '20/11/2027', 'Đã kết luận', '2', '1', '1', '0'],
      ['4', name('HLHPN-TINH'), 'Kiểm tra', '20/12/2027', 'Chờ kết luận', '0', '0', '0', '0'],
      ['', 'Tất cả các đơn vị', '', '', '', '7', '5', '2', '1'],
    ]);
    const enXml = await unzipEntry((await renderConsolidatedDocx(en)).body, 'word/document.xml');
    const enTable = docxTables(enXml).find((t) => t[0]?.[2] === 'Type')!;
    expect(enTable.slice(1, 3).map((r) => r.slice(2, 5))).toEqual([
      ['Check', '10/05/2027', 'Closed'],
      ['Inspection', '15/09/2027', 'Concluded'],
    ]);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await renderConsolidatedXlsx(vi)).body as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      'Tình hình thực hiện',
      'Tỷ lệ đúng hạn',
      'Muộn, chưa gửi',
      'Kiểm tra, kiến nghị',
      'So sánh năm trước',
    ]);
    const sheet = workbook.getWorksheet('Kiểm tra, kiến nghị')!;
    expect(sheet.rowCount).toBe(1 + 4);
    expect((sheet.getRow(1).values as unknown[]).slice(1, 4)).toEqual([
      'Mã đơn vị',
      'Tên đơn vị',
      'Hình thức',
    ]);
    expect([2, 3, 4].map((i) => (sheet.getRow(i).values as unknown[]).slice(1))).toEqual([
      ['SO-YT', name('SO-YT'), 'Kiểm tra', '10/05/2027', 'Đã hoàn thành', 2, 2, 0, 0],
      ['UBND-X-BUNGLAO', name('UBND-X-BUNGLAO'), 'Thanh tra', '15/09/2027', 'Đã kết luận', 3, 2, 1, 1],
      ['SO-TP', name('SO-TP'), 'Kiểm tra', '20/11/2027', 'Đã kết luận', 2, 1, 1, 0],
    ]);

    const pdf = pdfText((await renderConsolidatedPdf(vi)).body).replace(/\s+/g, ' ');
    expect(pdf).toContain('Thanh tra');
    expect(pdf).toContain('Ủy ban nhân dân xã Búng Lao Thanh tra 15/09/2027 Đã kết luận 3 2 1 1');
  });
});
