import { loadPrograms } from '../../../src/programs/load';
import { formatDate, renderTemplate } from '../../../src/programs/templates';
import { findMilestone, templateFor, type TemplateValues } from '../../../src/programs/types';

const program = loadPrograms()[0]!.definition;

const common: TemplateValues = {
  program_title: program.title.vi,
  document_number: '99/KH-UBND',
  document_date: '2022-01-12',
  issuer_name: 'Ủy ban nhân dân tỉnh Điện Biên',
  lead_name: 'Sở Văn hóa, Thể thao và Du lịch',
  year: 2027,
  agency_name: 'Ủy ban nhân dân xã Mường Nhé',
  agency_code: 'UBND-X-MUONGNHE',
  recipient_name: 'Giàng A Dơ',
};

describe('renderTemplate', () => {
  const report = findMilestone(program, 'report-6m');
  const values: TemplateValues = {
    ...common,
    milestone_title: report.title.vi,
    milestone_key: report.key,
    due_date: '2027-06-16',
    period_from: '2026-12-15',
    period_to: '2027-06-14',
    working_days_left: 5,
    link: 'https://phoihop.dienbien.example/t/abc?x=1&y=2',
  };

  it('renders Vietnamese with diacritics intact and dates as dd/mm/yyyy', () => {
    const email = renderTemplate(templateFor(program, report, 'request'), 'vi', values);
    expect(email.subject).toBe(
      'Báo cáo 6 tháng năm 2027 thực hiện Kế hoạch số 99/KH-UBND: đề nghị gửi trước ngày 16/06/2027',
    );
    expect(
      email.text.startsWith(
        'Kính gửi: Ủy ban nhân dân xã Mường Nhé\n\nThực hiện Kế hoạch số 99/KH-UBND ngày 12/01/2022',
      ),
    ).toBe(true);
    expect(email.text).toContain('số liệu tính từ ngày 15/12/2026 đến hết ngày 14/06/2027');
    expect(email.text).toContain('Trân trọng./.');
    expect(email.text.normalize('NFC')).toBe(email.text);
    expect(email.html).toContain('<html lang="vi">');
    expect(email.html).toContain('Kính gửi: Ủy ban nhân dân xã Mường Nhé');
    expect(email.html).toContain(
      '<a href="https://phoihop.dienbien.example/t/abc?x=1&amp;y=2">https://phoihop.dienbien.example/t/abc?x=1&amp;y=2</a>',
    );
  });

  it('renders English with English dates', () => {
    const email = renderTemplate(templateFor(program, report, 'request'), 'en', {
      ...values,
      milestone_title: report.title.en,
      agency_name: 'People’s Committee of Mường Nhé commune',
    });
    expect(email.subject).toBe('6-month report 2027 under Plan No. 99/KH-UBND: please send by 16 June 2027');
    expect(email.text).toContain('To: People’s Committee of Mường Nhé commune');
    expect(email.text).toContain('covering data from 15 December 2026 to 14 June 2027 inclusive');
    expect(email.html).toContain('<html lang="en">');
  });

  it('escapes HTML in values (and in the subject) but not in the plain text', () => {
    const returned = templateFor(program, report, 'returned');
    const email = renderTemplate(returned, 'vi', {
      ...values,
      receipt_number: 'BC-2027-000123',
      submitted_at: '2027-06-15',
      reason: 'Thiếu số liệu <b>biểu 02</b> & "phụ lục"',
      agency_name: 'Xã <script>alert(1)</script>',
    });
    expect(email.text).toContain('Lý do: Thiếu số liệu <b>biểu 02</b> & "phụ lục"');
    expect(email.html).toContain('Lý do: Thiếu số liệu &lt;b&gt;biểu 02&lt;/b&gt; &amp; &quot;phụ lục&quot;');
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('Xã &lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('renders optional parts only when given, and reminders on the last day', () => {
    const accepted = templateFor(program, report, 'accepted');
    const base = { ...values, receipt_number: 'BC-1', submitted_at: '2027-06-15' };
    expect(renderTemplate(accepted, 'vi', base).text).not.toContain('Ý kiến');
    expect(renderTemplate(accepted, 'vi', { ...base, note: 'Đạt yêu cầu.' }).text).toContain(
      'Ý kiến của cơ quan thường trực: Đạt yêu cầu.',
    );
    const reminder = templateFor(program, report, 'reminder');
    expect(renderTemplate(reminder, 'vi', { ...values, working_days_left: 0 }).text).toContain(
      '(hôm nay là ngày cuối cùng)',
    );
    expect(renderTemplate(reminder, 'vi', { ...values, working_days_left: 2 }).text).toContain(
      '(còn 2 ngày làm việc)',
    );
  });

  it('refuses to render with a variable missing, or a date not written YYYY-MM-DD', () => {
    const request = templateFor(program, report, 'request');
    const withoutLink = { ...values };
    delete withoutLink.link;
    expect(() => renderTemplate(request, 'vi', withoutLink)).toThrow(/undefined variable: link/);
    expect(() => renderTemplate(request, 'vi', { ...values, due_date: '16/06/2027' })).toThrow(/YYYY-MM-DD/);
    expect(formatDate('2027-01-05', 'en')).toBe('5 January 2027');
  });
});
