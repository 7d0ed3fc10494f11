// The computed schedule of one program's cycle for one year: for every milestone, when the request goes
// out, the due date, each reminder and each escalation step, all in working days of the calendar.
// Pure and workflow-safe: the CLI's dry run prints it, and the cycle workflow computes the same plan from
// the same inputs (the program definition and CalendarData passed in its input).
import { compareIsoDates, makeIsoDate, maxIsoDate, type IsoDate } from '../calendar/dates';
import type { WorkingCalendar } from '../calendar/working-calendar';
import {
  parseDueEvent,
  type EscalationStep,
  type Milestone,
  type ProgramDefinition,
  type RecipientRole,
} from '../programs/types';

export interface PlannedReminder {
  workingDaysBefore: number;
  on: IsoDate;
}

export interface PlannedEscalation {
  step: string;
  afterWorkingDays: number;
  on: IsoDate;
  recipients: RecipientRole[];
  flagForReport: boolean;
  notice: EscalationStep['notice'];
}

export interface PlannedMilestone {
  key: string;
  kind: Milestone['kind'];
  assignee: Milestone['assignee'];
  groups: string[];
  /** The data period a report covers, as dates. */
  period?: { from: IsoDate; to: IsoDate };
  requestOn: IsoDate;
  /** The due date: always a working day (a rule that lands on a day off moves to the next working day). */
  due: IsoDate;
  reminders: PlannedReminder[];
  escalation: PlannedEscalation[];
}

export interface CyclePlan {
  program: string;
  year: number;
  /** First day of the cycle (a working day). */
  startsOn: IsoDate;
  /** The last scheduled day of the cycle (its last due date or escalation step). */
  endsOn: IsoDate;
  milestones: PlannedMilestone[];
}

/** The years a cycle's dates can fall in: the data periods start in the previous year, and late steps spill into the next. */
export function yearsTouchedBy(year: number): number[] {
  return [year - 1, year, year + 1];
}

function cycleStart(program: ProgramDefinition, year: number, calendar: WorkingCalendar): IsoDate {
  const rule = program.cycle.start;
  const date =
    'firstWorkingDayOf' in rule
      ? makeIsoDate(year, rule.firstWorkingDayOf.month, 1)
      : makeIsoDate(year, rule.month, rule.day);
  return calendar.nextWorkingDayOnOrAfter(date);
}

/** Computes the whole year's schedule. Throws CalendarRangeError if the calendar misses a year it needs. */
export function planCycle(program: ProgramDefinition, year: number, calendar: WorkingCalendar): CyclePlan {
  const startsOn = cycleStart(program, year, calendar);
  const dueByKey = new Map<string, IsoDate>();
  const milestones: PlannedMilestone[] = program.milestones.map((m) => {
    const period = m.period
      ? {
          from: makeIsoDate(year + m.period.from.yearOffset, m.period.from.month, m.period.from.day),
          to: makeIsoDate(year, m.period.to.month, m.period.to.day),
        }
      : undefined;
    let due: IsoDate;
    if ('fixed' in m.due) {
      const { month, day, yearOffset = 0 } = m.due.fixed;
      due = calendar.nextWorkingDayOnOrAfter(makeIsoDate(year + yearOffset, month, day));
    } else {
      const event = parseDueEvent(m.due.after.event);
      let from: IsoDate;
      if (event.kind === 'cycle-start') from = startsOn;
      else if (event.kind === 'period-end')
        from = period!.to; // the schema requires a period here
      else from = dueByKey.get(event.key)!; // the schema requires an earlier milestone
      // N working days after an event: the Nth working day after the event's day.
      due =
        m.due.after.workingDays === 0
          ? calendar.nextWorkingDayOnOrAfter(from)
          : calendar.addWorkingDays(from, m.due.after.workingDays);
    }
    dueByKey.set(m.key, due);
    const requestOn = maxIsoDate(startsOn, calendar.addWorkingDays(due, -m.requestWorkingDaysBefore));
    const reminders = m.reminders
      .map((n) => ({ workingDaysBefore: n, on: n === 0 ? due : calendar.addWorkingDays(due, -n) }))
      // A reminder on or before the request day would arrive with (or before) the request itself.
      .filter((r) => compareIsoDates(r.on, requestOn) > 0);
    const escalation = m.escalation.map((s) => ({
      step: s.step,
      afterWorkingDays: s.afterWorkingDays,
      on: calendar.addWorkingDays(due, s.afterWorkingDays),
      recipients: [...s.recipients],
      flagForReport: s.flagForReport,
      notice: s.notice,
    }));
    return {
      key: m.key,
      kind: m.kind,
      assignee: m.assignee,
      groups: [...m.groups],
      period,
      requestOn,
      due,
      reminders,
      escalation,
    };
  });
  let endsOn = startsOn;
  for (const m of milestones) {
    endsOn = maxIsoDate(endsOn, m.due);
    for (const s of m.escalation) endsOn = maxIsoDate(endsOn, s.on);
  }
  return { program: program.code, year, startsOn, endsOn, milestones };
}

/** Every dated event of a plan in date order, for people (the dry run) and tests. */
export type PlanEvent =
  | {
      on: IsoDate;
      milestone: string;
      what: 'request';
      assignee: PlannedMilestone['assignee'];
      groups: string[];
    }
  | { on: IsoDate; milestone: string; what: 'reminder'; workingDaysBefore: number }
  | { on: IsoDate; milestone: string; what: 'due'; period?: { from: IsoDate; to: IsoDate } }
  | ({ on: IsoDate; milestone: string; what: 'escalation' } & Omit<PlannedEscalation, 'on'>);

export function planEvents(plan: CyclePlan): PlanEvent[] {
  const events: PlanEvent[] = [];
  for (const m of plan.milestones) {
    events.push({
      on: m.requestOn,
      milestone: m.key,
      what: 'request',
      assignee: m.assignee,
      groups: m.groups,
    });
    for (const r of m.reminders) {
      events.push({ on: r.on, milestone: m.key, what: 'reminder', workingDaysBefore: r.workingDaysBefore });
    }
    events.push({ on: m.due, milestone: m.key, what: 'due', period: m.period });
    for (const { on, ...step } of m.escalation)
      events.push({ on, milestone: m.key, what: 'escalation', ...step });
  }
  const order = { request: 0, reminder: 1, due: 2, escalation: 3 };
  return events.sort((a, b) => compareIsoDates(a.on, b.on) || order[a.what] - order[b.what]);
}
