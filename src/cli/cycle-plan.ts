// `phoihop cycle plan` and the dry run of `cycle start`: a cycle's plan as people read it, vi or en.
import { dateParts, weekdayName, type IsoDate } from '../calendar/dates';
import { planEvents, type CyclePlan, type PlanEvent } from '../cycle/plan';
import type { LoadedProgram } from '../programs/load';
import type { Language } from '../programs/types';

const WORDS = {
  vi: {
    cycle: (p: CyclePlan) =>
      `Chu trình năm ${p.year}: từ ${day(p.startsOn, 'vi')} đến ${day(p.endsOn, 'vi')}`,
    request: 'Gửi yêu cầu',
    reminder: 'Nhắc hạn',
    due: 'Hạn nộp',
    escalation: 'Đôn đốc',
    lead: 'cơ quan thường trực',
    before: (n: number) => (n === 0 ? 'ngày đến hạn' : `trước hạn ${n} ngày làm việc`),
    after: (n: number) => `quá hạn ${n} ngày làm việc`,
    period: (from: IsoDate, to: IsoDate) => `số liệu từ ${day(from, 'vi')} đến ${day(to, 'vi')}`,
    flagged: 'nêu tên trong báo cáo tổng hợp',
    roles: {
      focal_point: 'cán bộ đầu mối',
      head: 'thủ trưởng',
      deputy: 'cấp phó',
      coordinators: 'cán bộ điều phối',
      leadership: 'lãnh đạo',
    },
    groups: {
      department: 'sở, ban, ngành',
      mass_organisation: 'MTTQ và các đoàn thể',
      district_committee: 'UBND cấp huyện',
      commune_committee: 'UBND cấp xã',
    } as Record<string, string>,
  },
  en: {
    cycle: (p: CyclePlan) => `Cycle ${p.year}: ${day(p.startsOn, 'en')} to ${day(p.endsOn, 'en')}`,
    request: 'Request',
    reminder: 'Reminder',
    due: 'Due',
    escalation: 'Escalation',
    lead: 'standing agency',
    before: (n: number) => (n === 0 ? 'on the due date' : `${n} working day${n === 1 ? '' : 's'} before`),
    after: (n: number) => `${n} working day${n === 1 ? '' : 's'} late`,
    period: (from: IsoDate, to: IsoDate) => `data ${day(from, 'en')} to ${day(to, 'en')}`,
    flagged: 'named in the consolidated report',
    roles: {
      focal_point: 'focal point',
      head: 'head',
      deputy: 'deputy',
      coordinators: 'coordinators',
      leadership: 'leadership',
    },
    groups: {
      department: 'departments',
      mass_organisation: 'mass organisations',
      district_committee: 'district committees',
      commune_committee: 'commune committees',
    } as Record<string, string>,
  },
} as const;

/** A date as people read it: "Thứ Sáu 15/01/2027" in Vietnamese, "Fri 2027-01-15" in English. */
function day(date: IsoDate, lang: Language): string {
  if (lang === 'en') return `${weekdayName(date, 'en').slice(0, 3)} ${date}`;
  const { year, month, day: d } = dateParts(date);
  return `${weekdayName(date, 'vi')} ${String(d).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year}`;
}

function describe(e: PlanEvent, lang: Language): string {
  const w = WORDS[lang];
  switch (e.what) {
    case 'request':
      return e.assignee === 'lead' ? w.lead : e.groups.map((g) => w.groups[g] ?? g).join(', ');
    case 'reminder':
      return w.before(e.workingDaysBefore);
    case 'due':
      return e.period ? w.period(e.period.from, e.period.to) : '';
    case 'escalation':
      return [
        `${w.after(e.afterWorkingDays)}: ${e.recipients.map((r) => w.roles[r]).join(', ')}`,
        ...(e.flagForReport ? [w.flagged] : []),
      ].join('; ');
  }
}

/** The plan as people read it: the milestones in order, each with its dated events. */
export function formatPlan(program: LoadedProgram, plan: CyclePlan, lang: Language): string {
  const w = WORDS[lang];
  const lines = [`${program.definition.document.number}: ${program.definition.title[lang]}`, w.cycle(plan)];
  const events = planEvents(plan);
  for (const m of program.definition.milestones) {
    lines.push('', `${m.title[lang]} (${m.key})`);
    for (const e of events.filter((x) => x.milestone === m.key)) {
      const detail = describe(e, lang);
      lines.push(
        `  ${day(e.on, lang).padEnd(lang === 'vi' ? 21 : 14)}  ${w[e.what].padEnd(12)}${detail ? `  ${detail}` : ''}`,
      );
    }
  }
  return lines.join('\n');
}
