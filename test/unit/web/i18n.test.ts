import { formatDate, stepLabel } from '../../../src/web/i18n';

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
});
