// The schema of a program definition (programs/*.yaml). Pure: zod only, no Node built-ins or I/O, so
// the types inferred from it (src/programs/types.ts) can be shared with workflow code.
//
// Parsing runs in two layers: the structural schema (every field, with what is expected), then the
// cross-checks (unique keys, groups within the addressees, due-date references to earlier milestones
// only, template references), then `resolveProgram` fills each milestone from `defaults`, so the
// validated definition that is stored and hashed needs no further interpretation.
import { z } from 'zod';
import { AGENCY_GROUP_NAMES } from '../directory/groups';
import { TEMPLATE_SLOTS, type TemplateSlot } from './template-variables';

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const AGENCY_CODE = /^[A-Z0-9]+(?:-[A-Z0-9]+)*$/;
export const DUE_EVENT = /^(?:cycle-start|period-end|milestone:([a-z0-9]+(?:-[a-z0-9]+)*))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const kebab = (example: string) =>
  z
    .string({ error: `expected a kebab-case key, e.g. "${example}"` })
    .regex(KEBAB, `expected a kebab-case key (lowercase letters, digits, single hyphens), e.g. "${example}"`);

const nonBlank = z
  .string({ error: 'expected a text' })
  .refine((s) => s.trim().length > 0, 'expected a non-empty text');

const bilingual = z.strictObject({ vi: nonBlank, en: nonBlank });

const wholeNumber = (min: number, max: number | undefined, what: string) => {
  const range = max === undefined ? `${min} or more` : `from ${min} to ${max}`;
  const base = z.int({ error: `expected ${what}: a whole number ${range}` });
  const bounded = base.min(min, `expected ${what}: a whole number ${range}`);
  return max === undefined ? bounded : bounded.max(max, `expected ${what}: a whole number ${range}`);
};

const month = wholeNumber(1, 12, 'a month');
const day = wholeNumber(1, 31, 'a day of the month');

function checkDayInMonth(value: { month: number; day: number }, ctx: z.RefinementCtx): void {
  const max = DAYS_IN_MONTH[value.month - 1] ?? 31;
  if (value.day > max) {
    ctx.addIssue({
      code: 'custom',
      path: ['day'],
      message:
        `expected a day from 1 to ${max} for month ${value.month}` +
        (value.month === 2 ? ' (29 February is not allowed: it does not exist every year)' : ''),
    });
  }
}

const monthDay = z.strictObject({ month, day }).superRefine(checkDayInMonth);

const yearOffset = z
  .int({ error: 'expected yearOffset: -1 (previous year), 0 (the cycle year) or 1 (next year)' })
  .min(-1, 'expected yearOffset: -1 (previous year), 0 (the cycle year) or 1 (next year)')
  .max(1, 'expected yearOffset: -1 (previous year), 0 (the cycle year) or 1 (next year)');

const datedMonthDay = z
  .strictObject({ month, day, yearOffset: yearOffset.default(0) })
  .superRefine(checkDayInMonth);

const isoDate = z.iso.date({ error: 'expected a date written YYYY-MM-DD, e.g. 2022-01-12' });

const timezone = z.string({ error: 'expected an IANA time zone, e.g. Asia/Ho_Chi_Minh' }).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'expected an IANA time zone, e.g. Asia/Ho_Chi_Minh');

const recipient = z.strictObject({
  name: nonBlank,
  email: z.email({ error: 'expected an email address, e.g. vanthu@sovhttdl.dienbien.example' }),
  position: bilingual.optional(),
});

const group = z.enum(AGENCY_GROUP_NAMES, {
  error: `expected an agency group: one of ${AGENCY_GROUP_NAMES.join(', ')}`,
});

const RECIPIENT_ROLES = ['focal_point', 'head', 'deputy', 'coordinators', 'leadership'] as const;
const MILESTONE_KINDS = ['plan', 'report', 'inspection', 'consolidation'] as const;

function uniqueItems<T>(what: string) {
  return (items: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<T>();
    items.forEach((item, index) => {
      if (seen.has(item)) {
        ctx.addIssue({ code: 'custom', path: [index], message: `duplicate ${what} ${JSON.stringify(item)}` });
      }
      seen.add(item);
    });
  };
}

// --- cycle start ------------------------------------------------------------------------------

const cycleStart = z
  .strictObject({
    month: month.optional(),
    day: day.optional(),
    firstWorkingDayOf: z.strictObject({ month }).optional(),
  })
  .superRefine((value, ctx) => {
    const hasDate = value.month !== undefined || value.day !== undefined;
    if (hasDate === (value.firstWorkingDayOf !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected either { month, day } or { firstWorkingDayOf: { month } }',
      });
    } else if (hasDate && (value.month === undefined || value.day === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [value.month === undefined ? 'month' : 'day'],
        message: 'expected both month and day',
      });
    } else if (hasDate) {
      checkDayInMonth({ month: value.month as number, day: value.day as number }, ctx);
    }
  })
  .transform((value): { month: number; day: number } | { firstWorkingDayOf: { month: number } } =>
    value.firstWorkingDayOf
      ? { firstWorkingDayOf: value.firstWorkingDayOf }
      : { month: value.month as number, day: value.day as number },
  );

// --- due rules --------------------------------------------------------------------------------

const afterEvent = z.strictObject({
  event: z
    .string({ error: 'expected an event: "cycle-start", "period-end" or "milestone:<key>"' })
    .regex(DUE_EVENT, 'expected an event: "cycle-start", "period-end" or "milestone:<key>"'),
  workingDays: wholeNumber(0, undefined, 'a number of working days'),
});

export type FixedDue = z.output<typeof datedMonthDay>;
export type AfterDue = z.output<typeof afterEvent>;
export type DueRule = { fixed: FixedDue } | { after: AfterDue };

const dueRule = z
  .strictObject({ fixed: datedMonthDay.optional(), after: afterEvent.optional() })
  .superRefine((value, ctx) => {
    if ((value.fixed === undefined) === (value.after === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'expected exactly one of { fixed: { month, day, yearOffset? } } or ' +
          '{ after: { event, workingDays } }',
      });
    }
  })
  .transform((value): DueRule => (value.fixed ? { fixed: value.fixed } : { after: value.after as AfterDue }));

// --- data period (Decree 09/2019: "15th to 14th") ---------------------------------------------

const period = z
  .strictObject({
    from: z
      .strictObject({
        month,
        day,
        yearOffset: yearOffset.max(0, 'expected yearOffset -1 (previous year) or 0').default(0),
      })
      .superRefine(checkDayInMonth),
    to: monthDay,
  })
  .superRefine((value, ctx) => {
    const from = value.from.yearOffset * 10000 + value.from.month * 100 + value.from.day;
    const to = value.to.month * 100 + value.to.day;
    if (from >= to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'expected the period to end after it starts' });
    }
  });

// --- reminders and escalation -----------------------------------------------------------------

const reminders = z
  .array(wholeNumber(0, undefined, 'working days before the due date'), {
    error: 'expected a list of working days before the due date, e.g. [5, 2, 0]',
  })
  .superRefine(uniqueItems('reminder offset'));

const escalationStep = z.strictObject({
  afterWorkingDays: wholeNumber(1, undefined, 'working days after the due date'),
  step: kebab('escalate-head'),
  recipients: z
    .array(
      z.enum(RECIPIENT_ROLES, { error: `expected a recipient role: one of ${RECIPIENT_ROLES.join(', ')}` }),
      { error: 'expected a list of recipient roles' },
    )
    .min(1, 'expected at least one recipient role')
    .superRefine(uniqueItems('recipient role')),
  flagForReport: z.boolean({ error: 'expected true or false' }),
  notice: z.enum(['overdue', 'escalation'], {
    error: 'expected which of the milestone’s templates this step sends: overdue or escalation',
  }),
});

const escalation = z
  .array(escalationStep, { error: 'expected a list of escalation steps' })
  .superRefine((steps, ctx) => {
    const keys = new Set<string>();
    steps.forEach((s, i) => {
      if (keys.has(s.step))
        ctx.addIssue({ code: 'custom', path: [i, 'step'], message: `duplicate step "${s.step}"` });
      keys.add(s.step);
      const previous = steps[i - 1];
      if (previous && s.afterWorkingDays <= previous.afterWorkingDays) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'afterWorkingDays'],
          message: `expected more than ${previous.afterWorkingDays} (the previous step's afterWorkingDays): steps must be strictly increasing`,
        });
      }
    });
  });

const templateRefs = z.strictObject({
  request: kebab('request-report').optional(),
  reminder: kebab('reminder').optional(),
  overdue: kebab('overdue').optional(),
  escalation: kebab('escalation').optional(),
  received: kebab('received').optional(),
  accepted: kebab('accepted').optional(),
  returned: kebab('returned').optional(),
});

const inspection = z.strictObject({
  noticeWorkingDays: wholeNumber(1, undefined, 'working days of notice before the visit'),
  remedyWorkingDays: wholeNumber(1, undefined, 'working days to report remedies after the conclusion'),
  /** The cycle's proposal: up to riskLimit agencies by risk, plus sampleSize at random (src/inspections/plan.ts). */
  riskLimit: wholeNumber(0, 200, 'agencies proposed by risk').optional(),
  sampleSize: wholeNumber(0, 200, 'agencies drawn at random').optional(),
  visitsPerDay: wholeNumber(1, 50, 'visits proposed per working day').optional(),
});

const FIGURE_TYPES = ['integer', 'decimal', 'percent'] as const;

/** A number the agency reports with a milestone (e.g. communication events held), typed in the portal. */
const figure = z.strictObject({
  key: kebab('events-held'),
  label: bilingual,
  /** integer: a whole count ≥ 0; decimal: a number ≥ 0; percent: a number from 0 to 100. */
  type: z.enum(FIGURE_TYPES, { error: `expected a figure type: one of ${FIGURE_TYPES.join(', ')}` }),
  unit: bilingual.optional(),
  required: z.boolean({ error: 'expected required: true or false' }).default(false),
});

const milestone = z.strictObject({
  key: kebab('annual-plan'),
  kind: z.enum(MILESTONE_KINDS, { error: `expected a kind: one of ${MILESTONE_KINDS.join(', ')}` }),
  title: bilingual,
  description: bilingual.optional(),
  groups: z
    .array(group, { error: 'expected a list of agency groups' })
    .min(1, 'expected at least one group (or leave groups out for all addressees)')
    .superRefine(uniqueItems('group'))
    .optional(),
  due: dueRule,
  period: period.optional(),
  inspection: inspection.optional(),
  reminders: reminders.optional(),
  /** Working days before the due date at which the request goes out (never before the cycle starts). */
  requestWorkingDaysBefore: wholeNumber(0, undefined, 'working days before the due date').optional(),
  escalation: escalation.optional(),
  templates: templateRefs.optional(),
  figures: z
    .array(figure, { error: 'expected a list of figures' })
    .superRefine((items, ctx) =>
      uniqueItems<string>('figure key')(
        items.map((f) => f.key),
        ctx,
      ),
    )
    .default([]),
});

const template = z.strictObject({
  description: z.string().optional(),
  subject: bilingual,
  body: bilingual,
});

const rawProgramSchema = z.strictObject({
  code: kebab('dien-bien-kh99'),
  title: bilingual,
  document: z.strictObject({
    number: nonBlank,
    date: isoDate,
    issuer: bilingual,
    implements: bilingual.optional(),
  }),
  /** The consolidated report's form (Decree 30/2020/NĐ-CP): its symbol and who signs it. */
  report: z
    .strictObject({
      symbol: z
        .string({ error: 'expected the report’s symbol, e.g. BC-SVHTTDL' })
        .regex(
          /^BC-[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*$/u,
          'expected the report’s symbol: BC- and the lead agency’s abbreviation in capitals, e.g. BC-SVHTTDL',
        ),
      signer: z.strictObject({ title: bilingual, name: nonBlank.optional() }).optional(),
    })
    .optional(),
  lead: z
    .string({ error: 'expected the lead agency’s directory code, e.g. SO-VHTTDL' })
    .regex(AGENCY_CODE, 'expected the lead agency’s directory code (A-Z, 0-9 and hyphens), e.g. SO-VHTTDL'),
  timezone,
  language: z.enum(['vi', 'en'], { error: 'expected vi or en' }).default('vi'),
  coordinators: z.array(recipient).min(1, 'expected at least one coordinator'),
  leadership: z.array(recipient).min(1, 'expected at least one leadership recipient'),
  addressees: z
    .array(group, { error: 'expected a list of agency groups' })
    .min(1, 'expected at least one addressed group')
    .superRefine(uniqueItems('group')),
  cycle: z.strictObject({ start: cycleStart }),
  defaults: z
    .strictObject({
      reminders: reminders.optional(),
      requestWorkingDaysBefore: wholeNumber(0, undefined, 'working days before the due date').optional(),
      escalation: escalation.optional(),
      templates: templateRefs.optional(),
    })
    .optional(),
  milestones: z
    .array(milestone, { error: 'expected a list of milestones' })
    .min(1, 'expected at least one milestone'),
  templates: z.record(
    z.string().regex(KEBAB, 'expected a kebab-case template name, e.g. "request-report"'),
    template,
  ),
});

type RawProgram = z.output<typeof rawProgramSchema>;

// --- cross-checks -----------------------------------------------------------------------------

function crossCheck(program: RawProgram, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });
  const keyIndex = new Map<string, number>();
  program.milestones.forEach((m, i) => {
    if (keyIndex.has(m.key)) issue(['milestones', i, 'key'], `duplicate milestone key "${m.key}"`);
    else keyIndex.set(m.key, i);
  });
  const templateNames = Object.keys(program.templates);
  const checkRef = (path: (string | number)[], name: string | undefined) => {
    if (name !== undefined && !(name in program.templates)) {
      issue(
        path,
        `unknown template "${name}"; expected one of: ${templateNames.join(', ') || '(none defined)'}`,
      );
    }
  };
  for (const slot of TEMPLATE_SLOTS)
    checkRef(['defaults', 'templates', slot], program.defaults?.templates?.[slot]);

  const reported = new Set<number>();
  program.milestones.forEach((m, i) => {
    const at = (...rest: (string | number)[]) => ['milestones', i, ...rest];
    m.groups?.forEach((g, j) => {
      if (!program.addressees.includes(g)) {
        issue(
          at('groups', j),
          `group "${g}" is not addressed by the program; expected one of: ${program.addressees.join(', ')}`,
        );
      }
    });
    if (m.kind === 'consolidation' && m.groups) {
      issue(at('groups'), 'a consolidation milestone is owed by the lead agency alone: remove groups');
    }
    if (m.kind === 'report' && !m.period) {
      issue(
        at('period'),
        'a report milestone needs its data period: { from: { month, day, yearOffset }, to: { month, day } }',
      );
    }
    if (m.kind === 'inspection' && !m.inspection) {
      issue(at('inspection'), 'an inspection milestone needs { noticeWorkingDays, remedyWorkingDays }');
    }
    if (m.kind !== 'inspection' && m.inspection) {
      issue(
        at('inspection'),
        `only inspection milestones take an inspection block (this one is a ${m.kind})`,
      );
    }
    // Structural problems elsewhere do not stop these checks, so read defensively.
    const after = (m.due as { after?: Partial<AfterDue> } | undefined)?.after;
    if (typeof after?.event === 'string') {
      const event = after.event;
      const ref = DUE_EVENT.exec(event)?.[1];
      if (event === 'period-end' && !m.period) {
        issue(at('due', 'after', 'event'), '"period-end" needs a data period on this milestone');
      }
      if (ref !== undefined) {
        const target = keyIndex.get(ref);
        if (ref === m.key) {
          issue(at('due', 'after', 'event'), `milestone "${m.key}" cannot be due after itself`);
        } else if (target === undefined) {
          issue(
            at('due', 'after', 'event'),
            `unknown milestone "${ref}"; expected an earlier milestone's key`,
          );
        } else if (target > i) {
          issue(
            at('due', 'after', 'event'),
            `milestone "${ref}" comes later in the list; a due date may only follow an earlier milestone`,
          );
        }
      }
    }
    // A reminder on or before the request day would arrive with (or before) the request itself.
    const leadTime =
      m.requestWorkingDaysBefore ??
      program.defaults?.requestWorkingDaysBefore ??
      DEFAULT_REQUEST_WORKING_DAYS_BEFORE;
    const ownReminders = m.reminders !== undefined;
    (m.reminders ?? program.defaults?.reminders ?? []).forEach((offset, j) => {
      // Reminders taken from the defaults are refused there, once for all the milestones that use them.
      const path = ownReminders ? at('reminders', j) : ['defaults', 'reminders', j];
      if (typeof offset === 'number' && offset >= leadTime && (ownReminders || !reported.has(j))) {
        if (!ownReminders) reported.add(j);
        issue(
          path,
          `a reminder ${offset} working days before the due date is not after the request, which goes out ` +
            `${leadTime} working days before it (milestone "${m.key}"); expected fewer than ${leadTime}`,
        );
      }
    });
    if (m.reminders === undefined && program.defaults?.reminders === undefined) {
      issue(at('reminders'), 'expected reminders here or in defaults.reminders (use [] for none)');
    }
    if (m.escalation === undefined && program.defaults?.escalation === undefined) {
      issue(
        at('escalation'),
        'expected an escalation ladder here or in defaults.escalation (use [] for none)',
      );
    }
    for (const slot of TEMPLATE_SLOTS) {
      const own = m.templates?.[slot];
      checkRef(at('templates', slot), own);
      if (own === undefined && program.defaults?.templates?.[slot] === undefined) {
        issue(
          at('templates', slot),
          `expected a template for "${slot}" here or in defaults.templates.${slot}`,
        );
      }
    }
  });
}

// --- resolution -------------------------------------------------------------------------------

/** When neither the milestone nor the defaults say, a request goes out 15 working days (three weeks) before the due date. */
export const DEFAULT_REQUEST_WORKING_DAYS_BEFORE = 15;

function resolveProgram(program: RawProgram) {
  const { defaults, ...rest } = program;
  return {
    ...rest,
    milestones: program.milestones.map((m) => {
      const reminderList = [...(m.reminders ?? defaults?.reminders ?? [])].sort((a, b) => b - a);
      const templates = Object.fromEntries(
        TEMPLATE_SLOTS.map((slot) => [slot, (m.templates?.[slot] ?? defaults?.templates?.[slot]) as string]),
      ) as Record<TemplateSlot, string>;
      return {
        ...m,
        /** Who owes the milestone: the addressed agencies, or (consolidation) the lead alone. */
        assignee: m.kind === 'consolidation' ? ('lead' as const) : ('addressees' as const),
        groups: m.kind === 'consolidation' ? [] : (m.groups ?? program.addressees),
        reminders: reminderList,
        requestWorkingDaysBefore:
          m.requestWorkingDaysBefore ??
          defaults?.requestWorkingDaysBefore ??
          DEFAULT_REQUEST_WORKING_DAYS_BEFORE,
        escalation: m.escalation ?? defaults?.escalation ?? [],
        templates,
      };
    }),
  };
}

export const programSchema = rawProgramSchema.superRefine(crossCheck).transform(resolveProgram);

export const RECIPIENT_ROLE_NAMES = RECIPIENT_ROLES;
export const MILESTONE_KIND_NAMES = MILESTONE_KINDS;
