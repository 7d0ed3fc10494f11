import { readFileSync } from 'node:fs';
import path from 'node:path';
import { planNoteText } from '../../../src/web/dashboard/inspection-plan-i18n';

// The notes as the cycle's workflow writes them (src/workflows/inspection-plan.ts).
const workflowSource = readFileSync(
  path.resolve(__dirname, '..', '..', '..', 'src', 'workflows', 'inspection-plan.ts'),
  'utf8',
);

describe('the inspection plan’s note on the dashboard', () => {
  it('is the workflow’s own wording: each form the tests word is one the workflow writes', () => {
    expect(workflowSource).toContain(
      "`not approved by ${today()}, when the year's obligations ended: no inspection started`",
    );
    expect(workflowSource).toContain(
      "`the year's obligations ended before the proposal day (${state.proposeOn})`",
    );
    expect(workflowSource).toContain('`the plan could not be made: ${');
    expect(workflowSource).toContain(
      '`${visit.agency.code}: an inspection ${id} already exists; not started again`',
    );
  });

  it('reads in Vietnamese, dates as DD/MM/YYYY, and in English', () => {
    const lapse = "not approved by 2027-12-10, when the year's obligations ended: no inspection started";
    expect(planNoteText(lapse, 'vi')).toBe(
      'Đến ngày 10/12/2027, khi các nhiệm vụ trong năm kết thúc, kế hoạch chưa được phê duyệt: không có cuộc kiểm tra nào được tiến hành.',
    );
    expect(planNoteText(lapse, 'en')).toBe(
      'Not approved by 10/12/2027, when the year’s obligations ended: no inspection was started.',
    );
    expect(planNoteText("the year's obligations ended before the proposal day (2027-09-01)", 'vi')).toBe(
      'Các nhiệm vụ trong năm đã kết thúc trước ngày lập đề xuất (01/09/2027).',
    );
    const failed = planNoteText('the plan could not be made: connect ECONNREFUSED 127.0.0.1:5432', 'vi');
    expect(failed).toMatch(/^Hệ thống không lập được kế hoạch/);
    expect(failed).not.toContain('ECONNREFUSED');
    expect(
      planNoteText(
        'UBND-XA-A: an inspection inspection:99:2027:UBND-XA-A already exists; not started again; SO-YT: an inspection inspection:99:2027:SO-YT already exists; not started again',
        'vi',
      ),
    ).toBe('Đã có cuộc kiểm tra của các đơn vị sau nên không bắt đầu lại: UBND-XA-A, SO-YT.');
    expect(planNoteText('', 'vi')).toBe('');
  });
});
