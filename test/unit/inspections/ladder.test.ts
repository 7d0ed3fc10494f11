import { buildCalendarData } from '../../../src/calendar/load';
import { WorkingCalendar } from '../../../src/calendar/working-calendar';
import { localInstant } from '../../../src/cycle/clock';
import { yearsTouchedBy } from '../../../src/cycle/plan';
import { HOLIDAYS_DIR } from '../../../src/cycle/compute-plan';
import { ladderEvents } from '../../../src/workflows/ladder/schedule';
import { inspectionSearchStage, inspectionWorkflowId } from '../../../src/inspections/types';

const calendar = new WorkingCalendar(buildCalendarData(yearsTouchedBy(2027), HOLIDAYS_DIR));
const at = (ms: number) => new Date(ms + 7 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

describe('ladderEvents', () => {
  it('puts reminders before the due date and the steps after it, in working days, in time order', () => {
    // Due Mon 06/09/2027, right after the National Day holiday (02–03/09) and a weekend.
    const events = ladderEvents(
      calendar,
      '2027-09-06',
      [5, 2, 0],
      [
        {
          step: 'overdue',
          afterWorkingDays: 1,
          recipients: ['focal_point'],
          notice: 'overdue',
          flagForReport: false,
        },
        {
          step: 'escalate-head',
          afterWorkingDays: 3,
          recipients: ['head'],
          notice: 'escalation',
          flagForReport: true,
        },
      ],
      8,
    );
    expect(events.map((e) => `${e.id} ${at(e.at)}`)).toEqual([
      'remind-5 2027-08-26 08:00',
      'remind-2 2027-08-31 08:00',
      'remind-0 2027-09-06 08:00',
      'due 2027-09-07 00:00',
      'overdue 2027-09-07 08:00',
      'escalate-head 2027-09-09 08:00',
    ]);
    expect(events[3]!.at).toBe(localInstant('2027-09-07', 0));
  });

  it('has only the due event without reminders or ladder', () => {
    expect(ladderEvents(calendar, '2027-10-07', [], [], 8).map((e) => e.kind)).toEqual(['due']);
  });
});

describe('inspection names', () => {
  it('names the workflow and the PhStage values operators search for', () => {
    expect(inspectionWorkflowId('dien-bien-kh99', 2027, 'SO-YT')).toBe(
      'inspection:dien-bien-kh99:2027:SO-YT',
    );
    expect(inspectionSearchStage('concluded')).toBe('inspection-open');
    expect(inspectionSearchStage('noticed')).toBe('inspection-noticed');
    expect(inspectionSearchStage('closed')).toBe('inspection-closed');
  });
});
