// What needs the user today (/quan-ly/hom-nay), across the programs of the running cycles: submissions
// waiting for review, extension requests waiting for a decision, inspection plans waiting for approval,
// inspections waiting for a conclusion, recommendations overdue, emails the mail server refused, agencies
// escalated in the last 7 days of the cycle's calendar, and the overdue agencies by milestone (the bulk
// reminder). Read from the database; each cycle's "today" from its own clock (cycle-calendar.ts).
import type { Client } from '@temporalio/client';
import type { Role } from '../../auth/users';
import type { Database } from '../../db/client';
import { localDate } from '../../cycle/clock';
import { agencyWorkflowId } from '../../workflows/obligation-types';
import { cycleWorkflowId } from '../../workflows/cycle-types';
import { inspectionPlanPath } from '../../links/dashboard-paths';
import { cachedProgramVersion } from '../read-cache';
import { formatDate, stepLabel, type Lang } from '../i18n';
import { DASHBOARD_PREFIX } from '../../links/dashboard-paths';
import { formatDateTime } from './agency-page';
import { withLang } from './lang-path';
import { cycleCalendar } from './cycle-calendar';

/** The sections of the page, in the order shown. */
export const TODAY_SECTIONS = [
  'submissions',
  'extensions',
  'plans',
  'inspections',
  'recommendations',
  'failedEmails',
  'escalated',
] as const;
export type TodaySection = (typeof TODAY_SECTIONS)[number];

/** The sections each role works on (inspectors record inspections; coordinators and viewers see all). */
const SECTIONS_OF: Record<Role, readonly TodaySection[]> = {
  coordinator: TODAY_SECTIONS,
  viewer: TODAY_SECTIONS,
  inspector: ['inspections', 'recommendations'],
};

export const sectionsOf = (role: Role): readonly TodaySection[] => SECTIONS_OF[role];

/** An extension request stays waiting until an extension is granted or it is denied after it. */
export const REQUEST_ACTION = 'obligation.request-extension';
export const DENY_ACTION = 'obligation.deny-extension';
const DECISIONS = ['obligation.extend', DENY_ACTION];
const OPEN_STATUSES = ['pending', 'requested', 'overdue', 'submitted', 'returned'] as const;
const WEEK_MS = 7 * 86_400_000;
/** Most rows of one section on the page (the count in the navigation counts them all). */
export const SECTION_LIMIT = 200;

interface Row {
  cycleId: number;
  programTitle: string;
  year: number;
  agencyCode: string;
  agencyName: string;
  url: string;
}

export interface TodayView {
  today: string;
  counts: Record<TodaySection, number>;
  total: number;
  submissions: (Row & { milestone: string; milestoneTitle: string; receipt: string; at: string })[];
  extensions: (Row & {
    requestId: number;
    milestone: string;
    milestoneTitle: string;
    until: string;
    untilIso: string;
    due: string;
    dueIso: string;
    reason: string;
    requestedBy: string;
    at: string;
  })[];
  plans: {
    cycleId: number;
    programTitle: string;
    year: number;
    proposedOn: string;
    visits: number;
    url: string;
  }[];
  inspections: (Row & { visitOn: string })[];
  recommendations: (Row & { number: number; text: string; dueOn: string; overdueDays: number })[];
  failedEmails: {
    recipient: string;
    step: string;
    error: string;
    at: string;
    url?: string;
    agencyName: string;
  }[];
  escalated: (Row & { milestoneTitle: string; step: string; at: string })[];
  overdue: {
    cycleId: number;
    programTitle: string;
    year: number;
    milestone: string;
    milestoneTitle: string;
    count: number;
  }[];
}

const displayName = (a: { name: string; nameEn: string | null }, lang: Lang) =>
  lang === 'en' && a.nameEn ? a.nameEn : a.name;

/** "<agency>:<milestone>" of an audit subject "<agency workflow id>:<milestone>" in a cycle. */
function splitSubject(subject: string, prefix: string): { agency: string; milestone: string } | undefined {
  if (!subject.startsWith(prefix)) return undefined;
  const rest = subject.slice(prefix.length);
  const at = rest.lastIndexOf(':');
  return at > 0 ? { agency: rest.slice(0, at), milestone: rest.slice(at + 1) } : undefined;
}

/** Whole days from `from` to `to` (YYYY-MM-DD). */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export interface TodayDeps {
  db: Database;
  temporal?: Client;
  now?: () => number;
}

/** The page's items for a user of `role`, in `lang`. */
export async function loadToday(deps: TodayDeps, role: Role, lang: Lang): Promise<TodayView> {
  const { db } = deps;
  const sections = new Set(sectionsOf(role));
  const cycles = await db.prisma.cycle.findMany({
    where: { status: 'running' },
    include: { program: true },
    orderBy: { id: 'asc' },
  });
  const link = (path: string) => withLang(path, lang);
  const info = new Map<
    number,
    {
      programTitle: string;
      year: number;
      prefix: string;
      today: string;
      nowMs: number;
      scale: number;
      titleOf: (k: string) => string;
      /** The cycle's calendar instant of a moment the database recorded (real time). */
      calendarOf: (at: Date) => Date;
    }
  >();
  for (const c of cycles) {
    const { definition } = await cachedProgramVersion(db, c.programVersionId);
    const one = await db.prisma.obligation.findFirst({ where: { cycleId: c.id }, include: { agency: true } });
    const calendar = await cycleCalendar(
      deps.temporal,
      c.id,
      one ? agencyWorkflowId(c.program.code, c.year, one.agency.code) : undefined,
      deps.now,
      c.clock,
    );
    info.set(c.id, {
      programTitle: definition.title[lang],
      year: c.year,
      prefix: `cycle:${c.program.code}:${c.year}:`,
      today: localDate(calendar.nowMs),
      nowMs: calendar.nowMs,
      scale: calendar.scale,
      titleOf: (k) => definition.milestones.find((m) => m.key === k)?.title[lang] ?? k,
      calendarOf: (at) => new Date(calendar.nowMs - (Date.now() - at.getTime()) * calendar.scale),
    });
  }
  const cycleIds = cycles.map((c) => c.id);
  const todayIso = localDate(info.values().next().value?.nowMs ?? deps.now?.() ?? Date.now());
  const agencyPath = (cycleId: number, code: string, milestone?: string) =>
    link(`${DASHBOARD_PREFIX}/chu-ky/${cycleId}/don-vi/${encodeURIComponent(code)}`) +
    (milestone ? `#m-${milestone}` : '');

  const view: TodayView = {
    today: formatDate(todayIso),
    counts: Object.fromEntries(TODAY_SECTIONS.map((s) => [s, 0])) as Record<TodaySection, number>,
    total: 0,
    submissions: [],
    extensions: [],
    plans: [],
    inspections: [],
    recommendations: [],
    failedEmails: [],
    escalated: [],
    overdue: [],
  };

  if (sections.has('submissions')) {
    const rows = await db.prisma.obligation.findMany({
      where: { cycleId: { in: cycleIds }, status: 'submitted' },
      include: { agency: true, submissions: { orderBy: { submittedAt: 'desc' }, take: 1 } },
      orderBy: [{ submittedAt: 'asc' }, { id: 'asc' }],
    });
    for (const o of rows) {
      const c = info.get(o.cycleId)!;
      const s = o.submissions[0];
      view.submissions.push({
        cycleId: o.cycleId,
        programTitle: c.programTitle,
        year: c.year,
        agencyCode: o.agency.code,
        agencyName: displayName(o.agency, lang),
        url: agencyPath(o.cycleId, o.agency.code, o.milestoneKey),
        milestone: o.milestoneKey,
        milestoneTitle: c.titleOf(o.milestoneKey),
        receipt: s?.receiptNumber ?? '',
        at: s ? formatDateTime(s.submittedAt) : '',
      });
    }
  }

  if (sections.has('extensions') && cycles.length > 0) {
    const requests = await db.prisma.auditEvent.findMany({
      where: {
        action: REQUEST_ACTION,
        OR: [...info.values()].map((c) => ({ subject: { startsWith: c.prefix } })),
      },
      orderBy: { id: 'asc' },
    });
    const decisions = await db.prisma.auditEvent.findMany({
      where: { action: { in: DECISIONS }, subject: { in: [...new Set(requests.map((r) => r.subject))] } },
      select: { id: true, subject: true, details: true },
    });
    // The last decision on each obligation: an extension done or a denial; a refused form decides nothing.
    const decidedAfter = new Map<string, number>();
    for (const d of decisions) {
      if ((d.details as { outcome?: string } | null)?.outcome === 'refused') continue;
      decidedAfter.set(d.subject, Math.max(decidedAfter.get(d.subject) ?? 0, d.id));
    }
    // Only the latest request of each obligation, once nothing was decided after it.
    const latest = new Map<string, (typeof requests)[number]>();
    for (const r of requests) latest.set(r.subject, r);
    for (const r of latest.values()) {
      if ((decidedAfter.get(r.subject) ?? 0) > r.id) continue;
      for (const [cycleId, c] of info) {
        const parts = splitSubject(r.subject, c.prefix);
        if (!parts) continue;
        const o = await db.prisma.obligation.findFirst({
          where: { cycleId, milestoneKey: parts.milestone, agency: { code: parts.agency } },
          include: { agency: true },
        });
        if (!o || !(OPEN_STATUSES as readonly string[]).includes(o.status)) break;
        const d = (r.details ?? {}) as { until?: string; reason?: string; requestedBy?: string };
        const dueIso = localDate(o.dueAt.getTime());
        view.extensions.push({
          cycleId,
          programTitle: c.programTitle,
          year: c.year,
          agencyCode: o.agency.code,
          agencyName: displayName(o.agency, lang),
          url: agencyPath(cycleId, o.agency.code, o.milestoneKey),
          requestId: r.id,
          milestone: o.milestoneKey,
          milestoneTitle: c.titleOf(o.milestoneKey),
          until: d.until ? formatDate(d.until) : '',
          untilIso: d.until ?? '',
          due: formatDate(dueIso),
          dueIso,
          reason: d.reason ?? '',
          requestedBy: d.requestedBy ?? '',
          at: formatDateTime(c.calendarOf(r.at)),
        });
        break;
      }
    }
  }

  if (sections.has('plans')) {
    for (const c of cycles) {
      const subject = cycleWorkflowId(c.program.code, c.year);
      const last = await db.prisma.auditEvent.findFirst({
        where: {
          subject,
          action: { in: ['inspection-plan.propose', 'inspection-plan.approve', 'inspection-plan.lapse'] },
        },
        orderBy: { id: 'desc' },
      });
      if (last?.action !== 'inspection-plan.propose') continue;
      const d = (last.details ?? {}) as { asOf?: string; visits?: unknown[] };
      view.plans.push({
        cycleId: c.id,
        programTitle: info.get(c.id)!.programTitle,
        year: c.year,
        proposedOn: d.asOf ? formatDate(d.asOf) : formatDateTime(last.at),
        visits: Array.isArray(d.visits) ? d.visits.length : 0,
        url: link(inspectionPlanPath(c.id)),
      });
    }
  }

  if (sections.has('inspections') || sections.has('recommendations')) {
    // Inspections outlive their cycle (recommendations are followed for years): every cycle's, each
    // against its own cycle's calendar when the cycle is running, else the server's present.
    const todayOf = (cycleId: number) => info.get(cycleId)?.today ?? todayIso;
    const programOf = async (cycleId: number) => {
      const c = info.get(cycleId);
      if (c) return { programTitle: c.programTitle, year: c.year };
      const cycle = await db.prisma.cycle.findUniqueOrThrow({ where: { id: cycleId } });
      const { definition } = await cachedProgramVersion(db, cycle.programVersionId);
      return { programTitle: definition.title[lang], year: cycle.year };
    };
    if (sections.has('inspections')) {
      const rows = await db.prisma.inspection.findMany({
        where: { status: { in: ['noticed', 'visited'] } },
        include: { agency: true },
        orderBy: [{ visitOn: 'asc' }, { id: 'asc' }],
      });
      for (const i of rows) {
        const visitOn = i.visitOn.toISOString().slice(0, 10);
        // A noticed inspection waits for its conclusion once its visit day has come.
        if (i.status === 'noticed' && visitOn > todayOf(i.cycleId)) continue;
        view.inspections.push({
          cycleId: i.cycleId,
          ...(await programOf(i.cycleId)),
          agencyCode: i.agency.code,
          agencyName: displayName(i.agency, lang),
          url: link(`${DASHBOARD_PREFIX}/kiem-tra/${i.id}`),
          visitOn: formatDate(visitOn),
        });
      }
    }
    if (sections.has('recommendations')) {
      const rows = await db.prisma.recommendation.findMany({
        where: { status: 'open', inspection: { status: { not: 'cancelled' } } },
        include: { inspection: { include: { agency: true } } },
        orderBy: [{ dueOn: 'asc' }, { id: 'asc' }],
      });
      for (const r of rows) {
        const dueOn = r.dueOn.toISOString().slice(0, 10);
        const today = todayOf(r.inspection.cycleId);
        if (dueOn >= today) continue;
        view.recommendations.push({
          cycleId: r.inspection.cycleId,
          ...(await programOf(r.inspection.cycleId)),
          agencyCode: r.inspection.agency.code,
          agencyName: displayName(r.inspection.agency, lang),
          url: link(`${DASHBOARD_PREFIX}/kiem-tra/${r.inspectionId}`),
          number: r.number,
          text: r.text,
          dueOn: formatDate(dueOn),
          overdueDays: daysBetween(dueOn, today),
        });
      }
    }
  }

  if (sections.has('failedEmails')) {
    const rows = await db.prisma.notification.findMany({
      where: { cycleId: { in: cycleIds }, status: 'failed' },
      orderBy: { id: 'asc' },
    });
    const names = await agencyNames(
      db,
      rows.map((n) => n.workflowId),
      info,
      lang,
    );
    for (const n of rows) {
      const found = names.get(n.workflowId);
      view.failedEmails.push({
        recipient: n.recipient,
        step: stepLabel(n.step, lang),
        error: n.error ?? '',
        at: formatDateTime(
          n.cycleId ? (info.get(n.cycleId)?.calendarOf(n.createdAt) ?? n.createdAt) : n.createdAt,
        ),
        agencyName: found?.name ?? '',
        url: found && n.cycleId ? agencyPath(n.cycleId, found.code, n.milestoneKey ?? undefined) : undefined,
      });
    }
  }

  if (sections.has('escalated')) {
    for (const [cycleId, c] of info) {
      // The last 7 days of the cycle's calendar, in real time (a compressed year passes them faster).
      const since = new Date(Date.now() - WEEK_MS / c.scale);
      const rows = await db.prisma.notification.findMany({
        where: { cycleId, status: 'sent', step: { contains: ':escalate' }, sentAt: { gte: since } },
        orderBy: { sentAt: 'desc' },
      });
      const names = await agencyNames(
        db,
        rows.map((n) => n.workflowId),
        info,
        lang,
      );
      const seen = new Set<string>();
      for (const n of rows) {
        const key = `${n.workflowId}:${n.milestoneKey}`;
        const found = names.get(n.workflowId);
        if (seen.has(key) || !found) continue;
        seen.add(key);
        view.escalated.push({
          cycleId,
          programTitle: c.programTitle,
          year: c.year,
          agencyCode: found.code,
          agencyName: found.name,
          url: agencyPath(cycleId, found.code, n.milestoneKey ?? undefined),
          milestoneTitle: c.titleOf(n.milestoneKey ?? ''),
          step: stepLabel(n.step, lang),
          at: formatDateTime(c.calendarOf(n.sentAt!)),
        });
      }
    }
  }

  if (role === 'coordinator') {
    const groups = await db.prisma.obligation.groupBy({
      by: ['cycleId', 'milestoneKey'],
      where: { cycleId: { in: cycleIds }, status: 'overdue' },
      _count: { _all: true },
      orderBy: [{ cycleId: 'asc' }, { milestoneKey: 'asc' }],
    });
    for (const g of groups) {
      const c = info.get(g.cycleId)!;
      view.overdue.push({
        cycleId: g.cycleId,
        programTitle: c.programTitle,
        year: c.year,
        milestone: g.milestoneKey,
        milestoneTitle: c.titleOf(g.milestoneKey),
        count: g._count._all,
      });
    }
  }

  for (const s of TODAY_SECTIONS) {
    view.counts[s] = view[s].length;
    view.total += view[s].length;
    if (view[s].length > SECTION_LIMIT) view[s].length = SECTION_LIMIT;
  }
  return view;
}

/** The agency (code and name) of each agency workflow ID of a running cycle. */
async function agencyNames(
  db: Database,
  workflowIds: string[],
  info: Map<number, { prefix: string }>,
  lang: Lang,
): Promise<Map<string, { code: string; name: string }>> {
  const codeOf = new Map<string, string>();
  for (const id of new Set(workflowIds)) {
    for (const c of info.values()) {
      if (id.startsWith(c.prefix)) codeOf.set(id, id.slice(c.prefix.length));
    }
  }
  const agencies = await db.prisma.agency.findMany({
    where: { code: { in: [...new Set(codeOf.values())] } },
  });
  const byCode = new Map(agencies.map((a) => [a.code, a]));
  const out = new Map<string, { code: string; name: string }>();
  for (const [id, code] of codeOf) {
    const a = byCode.get(code);
    if (a) out.set(id, { code, name: displayName(a, lang) });
  }
  return out;
}

/** The number the navigation shows beside "Today": every item waiting for this user. */
export async function todayCount(deps: TodayDeps, role: Role): Promise<number> {
  return (await loadToday(deps, role, 'vi')).total;
}
