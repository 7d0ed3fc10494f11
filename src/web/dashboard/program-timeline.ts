// The year at a glance: a cycle's computed plan (computePlan, as `phoihop cycle plan`) drawn server-side
// as an SVG timeline, one row per milestone: its request, reminders, due date and escalation steps, over
// the days of the year with weekends, public holidays (and days off in lieu) and Tết shaded. No script and
// no style attributes (the dashboard's CSP): presentation attributes only. It scales to the page's width
// (viewBox), so a phone sees the whole year without scrolling sideways; the table beside it (rows()) says
// the same in text.
import {
  addDays,
  daysBetween,
  isoWeekday,
  makeIsoDate,
  maxIsoDate,
  type IsoDate,
} from '../../calendar/dates';
import { buildCalendarData } from '../../calendar/load';
import { WorkingCalendar } from '../../calendar/working-calendar';
import { HOLIDAYS_DIR } from '../../cycle/compute-plan';
import { planEvents, yearsTouchedBy, type CyclePlan, type PlanEvent } from '../../cycle/plan';
import { escapeHtml } from '../../programs/templates';
import type { ProgramDefinition } from '../../programs/types';
import { formatDate, type Lang } from '../i18n';
import { PROG } from './program-i18n';
import { groupLabel } from './i18n';

const WIDTH = 900;
const LEFT = 140;
const TOP = 34;
const ROW = 40;
const COLORS = {
  weekend: '#e6e9ed',
  holiday: '#ffd8a8',
  tet: '#f4a3a3',
  request: '#1565c0',
  reminder: '#f9a825',
  due: '#1d2733',
  escalation: '#c62828',
};

export interface TimelineRow {
  date: string;
  milestone: string;
  event: string;
  detail: string;
  what: PlanEvent['what'];
}

function calendarOf(year: number): WorkingCalendar {
  return new WorkingCalendar(buildCalendarData(yearsTouchedBy(year), HOLIDAYS_DIR));
}

function detailOf(e: PlanEvent, lang: Lang): string {
  const t = PROG[lang];
  switch (e.what) {
    case 'request':
      return e.assignee === 'lead' ? '' : e.groups.map((g) => groupLabel(g, lang)).join(', ');
    case 'reminder':
      return t.beforeDue(e.workingDaysBefore);
    case 'due':
      return e.period ? `${formatDate(e.period.from)} – ${formatDate(e.period.to)}` : '';
    case 'escalation':
      return [t.afterDue(e.afterWorkingDays), ...(e.flagForReport ? [t.flagged] : [])].join('; ');
  }
}

const EVENT_WORD = (what: PlanEvent['what'], lang: Lang) =>
  ({
    request: PROG[lang].legendRequest,
    reminder: PROG[lang].legendReminder,
    due: PROG[lang].legendDue,
    escalation: PROG[lang].legendEscalation,
  })[what];

/** The plan's events as table rows, in date order. */
export function timelineRows(definition: ProgramDefinition, plan: CyclePlan, lang: Lang): TimelineRow[] {
  const titles = new Map(definition.milestones.map((m) => [m.key, m.title[lang]]));
  return planEvents(plan).map((e) => ({
    date: formatDate(e.on),
    milestone: titles.get(e.milestone) ?? e.milestone,
    event: EVENT_WORD(e.what, lang),
    detail: detailOf(e, lang),
    what: e.what,
  }));
}

/** The SVG of the plan of `plan.year`. */
export function timelineSvg(definition: ProgramDefinition, plan: CyclePlan, lang: Lang): string {
  const t = PROG[lang];
  const calendar = calendarOf(plan.year);
  const first = makeIsoDate(plan.year, 1, 1);
  const last = maxIsoDate(makeIsoDate(plan.year, 12, 31), plan.endsOn);
  const days = daysBetween(first, last) + 1;
  const dayWidth = (WIDTH - LEFT - 10) / days;
  const x = (d: IsoDate) => LEFT + daysBetween(first, d) * dayWidth;
  const rows = plan.milestones.length;
  const height = TOP + rows * ROW + 12;
  const out: string[] = [];
  const title = t.svgTitle(definition.title[lang], plan.year);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-labelledby="tl-title" class="timeline" font-family="system-ui, sans-serif" font-size="14">`,
    `<title id="tl-title">${escapeHtml(title)}</title>`,
  );
  // Shading: weekends, holidays and days off in lieu, Tết.
  for (let i = 0; i < days; i++) {
    const d = addDays(first, i);
    const off = calendar.covers(d) ? calendar.dayOff(d) : undefined;
    const weekend = isoWeekday(d) >= 6 && !(calendar.covers(d) && calendar.extraWorkingDay(d));
    const fill = off
      ? off.holiday === 'tet'
        ? COLORS.tet
        : COLORS.holiday
      : weekend
        ? COLORS.weekend
        : undefined;
    if (!fill) continue;
    const label = off ? `${formatDate(d)}: ${lang === 'vi' ? off.name : off.nameEn}` : undefined;
    out.push(
      `<rect x="${x(d).toFixed(2)}" y="${TOP - 6}" width="${Math.max(dayWidth, 0.8).toFixed(2)}" height="${rows * ROW + 6}" fill="${fill}" data-day="${d}"${off ? ` data-off="${off.holiday === 'tet' ? 'tet' : 'holiday'}"` : ''}>${label ? `<title>${escapeHtml(label)}</title>` : ''}</rect>`,
    );
  }
  // Months.
  for (let m = 1; m <= 12; m++) {
    const d = makeIsoDate(plan.year, m, 1);
    out.push(
      `<line x1="${x(d).toFixed(2)}" y1="${TOP - 14}" x2="${x(d).toFixed(2)}" y2="${TOP + rows * ROW}" stroke="#9aa5b1" stroke-width="1"/>`,
      `<text x="${(x(d) + 3).toFixed(2)}" y="${TOP - 14}" fill="#1d2733">${t.months[m - 1]}</text>`,
    );
  }
  plan.milestones.forEach((m, i) => {
    const y = TOP + i * ROW + ROW / 2;
    const milestone = definition.milestones.find((d) => d.key === m.key);
    const name = milestone?.title[lang] ?? m.key;
    const short = name.length > 18 ? `${name.slice(0, 17)}…` : name;
    out.push(
      `<g data-milestone="${escapeHtml(m.key)}">`,
      `<text x="4" y="${y + 4}" fill="#1d2733"><title>${escapeHtml(name)}</title>${escapeHtml(short)}</text>`,
      `<line x1="${x(m.requestOn).toFixed(2)}" y1="${y}" x2="${x(m.due).toFixed(2)}" y2="${y}" stroke="${COLORS.request}" stroke-width="3"/>`,
    );
    const mark = (what: PlanEvent['what'], on: IsoDate, shape: string, detail: string) =>
      out.push(
        `<g data-event="${what}" data-date="${on}"><title>${escapeHtml(`${formatDate(on)} – ${EVENT_WORD(what, lang)}${detail ? `: ${detail}` : ''}`)}</title>${shape}</g>`,
      );
    const cx = (d: IsoDate) => (x(d) + dayWidth / 2).toFixed(2);
    mark(
      'request',
      m.requestOn,
      `<circle cx="${cx(m.requestOn)}" cy="${y}" r="6" fill="${COLORS.request}"/>`,
      '',
    );
    for (const r of m.reminders) {
      mark(
        'reminder',
        r.on,
        `<circle cx="${cx(r.on)}" cy="${y}" r="4.5" fill="${COLORS.reminder}" stroke="#1d2733" stroke-width="0.8"/>`,
        t.beforeDue(r.workingDaysBefore),
      );
    }
    mark(
      'due',
      m.due,
      `<rect x="${(Number(cx(m.due)) - 6).toFixed(2)}" y="${y - 9}" width="12" height="18" fill="${COLORS.due}"/>`,
      '',
    );
    for (const s of m.escalation) {
      const px = Number(cx(s.on));
      mark(
        'escalation',
        s.on,
        `<path d="M${px.toFixed(2)} ${y - 8} L${(px + 7).toFixed(2)} ${y + 6} L${(px - 7).toFixed(2)} ${y + 6} Z" fill="${COLORS.escalation}"/>`,
        [t.afterDue(s.afterWorkingDays), ...(s.flagForReport ? [t.flagged] : [])].join('; '),
      );
    }
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('\n');
}

/** The legend's entries, each with the colour of its mark. */
export function timelineLegend(lang: Lang) {
  const t = PROG[lang];
  return [
    { label: t.legendRequest, color: COLORS.request, shape: 'circle' },
    { label: t.legendReminder, color: COLORS.reminder, shape: 'circle' },
    { label: t.legendDue, color: COLORS.due, shape: 'rect' },
    { label: t.legendEscalation, color: COLORS.escalation, shape: 'triangle' },
    { label: t.legendWeekend, color: COLORS.weekend, shape: 'rect' },
    { label: t.legendHoliday, color: COLORS.holiday, shape: 'rect' },
    { label: t.legendTet, color: COLORS.tet, shape: 'rect' },
  ];
}
