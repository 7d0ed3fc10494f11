import { join } from 'node:path';
import { buildCalendarData } from '../../../src/calendar/load';
import { WorkingCalendar } from '../../../src/calendar/working-calendar';
import { planCycle, planEvents, yearsTouchedBy } from '../../../src/cycle/plan';
import { loadProgramFile } from '../../../src/programs/load';
import type { ProgramDefinition } from '../../../src/programs/types';

const root = join(__dirname, '../../..');
const program = loadProgramFile(join(root, 'programs/dien-bien-kh99.yaml')).definition;
const calendar = (year: number) =>
  new WorkingCalendar(buildCalendarData(yearsTouchedBy(year), join(root, 'data/holidays')));

describe('the cycle plan of Plan 99 for 2025', () => {
  const plan = planCycle(program, 2025, calendar(2025));
  const m = (key: string) => plan.milestones.find((x) => x.key === key)!;

  it('starts on 15 January and counts working days across the Tết break (25/1–2/2)', () => {
    expect(plan.startsOn).toBe('2025-01-15');
    // 15 working days after 15/1: 16, 17, 20–24 January (7), then 3–7 and 10–12 February.
    expect(m('annual-plan').due).toBe('2025-02-12');
    expect(m('annual-plan').requestOn).toBe('2025-01-15'); // never before the cycle starts
    expect(m('annual-plan').reminders.map((r) => r.on)).toEqual(['2025-02-05', '2025-02-10', '2025-02-12']);
  });

  it('dates the 6-month report from its data period (15/12/2024 – 14/6/2025)', () => {
    const report = m('report-6m');
    expect(report.period).toEqual({ from: '2024-12-15', to: '2025-06-14' });
    expect(report.due).toBe('2025-06-17'); // 14/6 is a Saturday: Monday 16 and Tuesday 17
    expect(report.requestOn).toBe('2025-05-27'); // 15 working days earlier
    expect(report.reminders).toEqual([
      { workingDaysBefore: 5, on: '2025-06-10' },
      { workingDaysBefore: 2, on: '2025-06-13' },
      { workingDaysBefore: 0, on: '2025-06-17' },
    ]);
    expect(report.escalation.map((s) => [s.step, s.on, s.flagForReport])).toEqual([
      ['overdue', '2025-06-18', false],
      ['escalate-head', '2025-06-20', false],
      ['escalate-leadership', '2025-06-24', true],
    ]);
  });

  it('chains the consolidated report to the annual report and ends after its last step', () => {
    expect(m('report-annual').due).toBe('2025-12-16');
    expect(m('consolidation').due).toBe('2025-12-23');
    expect(m('consolidation').assignee).toBe('lead');
    expect(plan.endsOn).toBe('2025-12-30');
  });

  it('lists every event in date order', () => {
    const events = planEvents(plan);
    expect(events[0]).toMatchObject({ on: '2025-01-15', milestone: 'annual-plan', what: 'request' });
    for (let i = 1; i < events.length; i++) expect(events[i]!.on >= events[i - 1]!.on).toBe(true);
    expect(events.filter((e) => e.what === 'due')).toHaveLength(program.milestones.length);
  });
});

describe('due dates on days off', () => {
  it('moves a fixed due date in Tết to the next working day', () => {
    const inTet: ProgramDefinition = {
      ...program,
      milestones: [{ ...program.milestones[0]!, due: { fixed: { month: 1, day: 29, yearOffset: 0 } } }],
    };
    const plan = planCycle(inTet, 2025, calendar(2025));
    expect(plan.milestones[0]!.due).toBe('2025-02-03'); // Tết Ất Tỵ: 29/1/2025 is lunar new year's day
  });

  it('refuses to plan beyond the years the calendar covers', () => {
    const lastYearOnly = new WorkingCalendar(buildCalendarData([2024], join(root, 'data/holidays')));
    expect(() => planCycle(program, 2025, lastYearOnly)).toThrow(
      /2025-01-15 is outside the working calendar/,
    );
  });
});
