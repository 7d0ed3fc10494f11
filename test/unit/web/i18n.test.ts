import { CONTENT_REFUSALS, type SniffRefusal } from '../../../src/files/sniff';
import { translateRefusal } from '../../../src/i18n/refusals';
import { formatDate, formatFigure, formatSize, stepLabel, TEXT } from '../../../src/web/i18n';

describe('the portal’s words', () => {
  it('names every notification step the workflow sends, as a person reads it', () => {
    const steps: [string, string, string][] = [
      ['annual-plan:r0:request', 'Đề nghị', 'Request'],
      ['annual-plan:r0:request-to-head', 'Đề nghị', 'Request'],
      ['annual-plan:r0:remind-5', 'Nhắc hạn', 'Reminder'],
      ['annual-plan:r0:remind-now-3-1', 'Nhắc hạn', 'Reminder'],
      ['annual-plan:r0:overdue', 'Thông báo quá hạn', 'Overdue notice'],
      ['annual-plan:r0:escalate-head', 'Đôn đốc', 'Escalation'],
      ['annual-plan:r0:escalate-leadership-to-coordinators', 'Đôn đốc', 'Escalation'],
      ['annual-plan:r0:received-1', 'Xác nhận đã nhận', 'Receipt'],
      ['annual-plan:r1:accepted', 'Chấp nhận', 'Accepted'],
      ['annual-plan:r0:returned', 'Trả lại', 'Returned'],
    ];
    for (const [step, vi, en] of steps) {
      expect([step, stepLabel(step, 'vi'), stepLabel(step, 'en')]).toEqual([step, vi, en]);
    }
  });

  it('writes dates as official letters do', () => {
    expect(formatDate('2027-02-12')).toBe('12/02/2027');
  });

  it('writes sizes and figures with the Vietnamese decimal comma', () => {
    expect(formatSize(461, 'vi')).toBe('461 B');
    expect(formatSize(6451, 'vi')).toBe('6,3 KB');
    expect(formatSize(6451, 'en')).toBe('6.3 KB');
    expect(formatSize(20 * 1024 * 1024, 'vi')).toBe('20 MB');
    expect(formatFigure(87.5, 'vi')).toBe('87,5');
    expect(formatFigure(87.5, 'en')).toBe('87.5');
  });

  it('explains the workflow’s refusals of an extension request in both languages', () => {
    // The portal words them for the agency.
    const refusal = (r: Parameters<typeof translateRefusal>[0], lang: 'vi' | 'en') =>
      translateRefusal(r, lang, 'agency');
    const late = { code: 'date-not-after-due', values: { date: '2027-02-10', due: '2027-02-12' } } as const;
    expect(refusal(late, 'vi')).toBe(
      'Ngày đề nghị gia hạn phải sau hạn gửi hiện tại. (Hạn hiện tại: 12/02/2027)',
    );
    expect(refusal(late, 'en')).toBe(
      'The date you ask for must be after the current due date. (Current due date: 12/02/2027)',
    );
    expect(refusal({ code: 'reason-required', values: {} }, 'vi')).toBe('Vui lòng nêu lý do.');
    expect(
      refusal({ code: 'obligation-closed', values: { milestone: 'annual-plan', stage: 'accepted' } }, 'en'),
    ).toBe('This task is closed; nothing more can be sent.');
  });

  it('names the file and the limit when an upload is refused', () => {
    expect(TEXT.vi.fileProblem('a.pdf', 'too-big', '20 MB')).toBe(
      'Tệp “a.pdf” lớn hơn giới hạn 20 MB mỗi tệp.',
    );
    expect(TEXT.en.fileProblem('a.pdf', 'macros', '')).toContain('“a.pdf” contains macros');
    for (const lang of ['vi', 'en'] as const) {
      const texts = [...CONTENT_REFUSALS].map((r) => TEXT[lang].fileProblem('x.docx', r as SniffRefusal, ''));
      expect(texts.every((text) => text.includes('“x.docx”'))).toBe(true);
      expect(new Set(texts).size).toBe(CONTENT_REFUSALS.size);
    }
    expect(TEXT.vi.fileProblem('a.pdf', 'pdf-active', '')).toContain('JavaScript');
    expect(TEXT.en.fileProblem('a.xlsx', 'excel4-macros', '')).toContain('Excel 4.0 macro sheet');
    expect(TEXT.vi.tooManyFiles(5, 7)).toBe('Chỉ được đính kèm tối đa 5 tệp mỗi lần gửi; đã chọn 7 tệp.');
  });
});
