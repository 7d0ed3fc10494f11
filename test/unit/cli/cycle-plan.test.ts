import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { computePlan } from '../../../src/cycle/compute-plan';
import { findProgram } from '../../../src/programs/find';
import { formatPlan } from '../../../src/cli/cycle-plan';

const run = promisify(execFile);
const root = join(__dirname, '../../..');

describe('phoihop cycle plan (the dry run of a year)', () => {
  const program = findProgram('dien-bien-kh99');
  const plan = computePlan(program, 2025);

  it('prints every milestone with its dated events, in Vietnamese', () => {
    const text = formatPlan(program, plan, 'vi');
    expect(text).toContain('Chu trình năm 2025: từ Thứ Tư 15/01/2025');
    expect(text).toMatch(/Kế hoạch triển khai \(annual-plan\)\n {2}Thứ Tư 15\/01\/2025 +Gửi yêu cầu/);
    expect(text).toMatch(/Thứ Tư 12\/02\/2025 +Hạn nộp/);
    expect(text).toMatch(
      /quá hạn 5 ngày làm việc: thủ trưởng, cán bộ điều phối, lãnh đạo; nêu tên trong báo cáo tổng hợp/,
    );
    const events = plan.milestones.reduce((n, m) => n + 2 + m.reminders.length + m.escalation.length, 0);
    expect(text.split('\n').filter((l) => /^ {2}\S/.test(l))).toHaveLength(events);
  });

  it('prints English on request', () => {
    const text = formatPlan(program, plan, 'en');
    expect(text).toContain('Cycle 2025: Wed 2025-01-15');
    expect(text).toMatch(/Wed 2025-02-12 +Due/);
    expect(text).toContain('1 working day late: focal point');
  });

  it('answers --json with the same plan, and refuses an unknown program or year without a stack trace', async () => {
    const cli = join(root, 'bin/phoihop');
    const { stdout } = await run(cli, [
      'cycle',
      'plan',
      '--program',
      'dien-bien-kh99',
      '--year',
      '2025',
      '--json',
    ]);
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(plan)));

    const unknown = await run(cli, ['cycle', 'plan', '--program', 'kh-khac', '--year', '2025']).catch(
      (e) => e,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^phoihop: no program "kh-khac" in .*; known: dien-bien-kh99/);
    expect(unknown.stderr).not.toMatch(/^\s+at /m);

    const badYear = await run(cli, ['cycle', 'plan', '--program', 'dien-bien-kh99', '--year', '20x5']).catch(
      (e) => e,
    );
    expect(badYear.code).toBe(1);
    expect(badYear.stderr).toMatch(/--year NaN: expected a year from 2000 to 2099/);
  });
});
