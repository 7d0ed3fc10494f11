import type { Database } from '../db/client';
import type { Mailer } from '../mail/mailer';
import type { LinkConfig } from '../config/links';
import { createObligationActivities, ObligationContext } from './obligations';
import { createCycleActivities } from './cycle';
import { createScheduleActivities } from './schedule';
import { createReportActivities } from './report';
import { createInspectionActivities } from './inspections';
import { createInspectionPlanActivities } from './inspection-plan';
import { createExtensionRequestActivities } from './extension-request';
import { PROGRAMS_DIR } from '../programs/load';
import { PROJECT_HOLIDAY_DIR } from '../calendar/load';
import { replyConfigFromEnv, type ReplyConfig } from '../config/replies';

/** What the activities need from the outside world; the worker builds it from the configuration. */
export interface ActivityDeps {
  db: Database;
  mailer: Mailer;
  /** The From header (used to derive Message-ID domains). */
  from: string;
  /** Where task links point and the key that signs them. */
  links: LinkConfig;
  /** The files root (FilesConfig.root): the consolidated reports are stored there. */
  filesRoot: string;
  /** Program files and holiday year files (default: the project's programs/ and data/holidays/). */
  programsDir?: string;
  holidaysDir?: string;
  /** Where agencies' replies go (default: the From mailbox, codes signed with the link secret). */
  replies?: ReplyConfig;
}

/**
 * The activities, bound to their dependencies. Workflows import only the type of this object (through
 * proxyActivities), never the implementation.
 */
export function createActivities(deps: ActivityDeps) {
  const context = new ObligationContext(deps.db);
  const replies = deps.replies ?? replyConfigFromEnv({}, deps.from, deps.links.secret);
  return {
    ...createObligationActivities({ ...deps, context, replies }),
    ...createInspectionActivities({ ...deps, context, replies }),
    ...createInspectionPlanActivities({
      db: deps.db,
      mailer: deps.mailer,
      from: deps.from,
      links: deps.links,
    }),
    ...createExtensionRequestActivities({
      db: deps.db,
      mailer: deps.mailer,
      from: deps.from,
      links: deps.links,
    }),
    ...createCycleActivities({
      db: deps.db,
      programsDir: deps.programsDir ?? PROGRAMS_DIR,
      holidaysDir: deps.holidaysDir ?? PROJECT_HOLIDAY_DIR,
    }),
    ...createReportActivities({
      db: deps.db,
      mailer: deps.mailer,
      from: deps.from,
      filesRoot: deps.filesRoot,
    }),
    ...createScheduleActivities({
      programsDir: deps.programsDir ?? PROGRAMS_DIR,
      holidaysDir: deps.holidaysDir ?? PROJECT_HOLIDAY_DIR,
    }),

    /** Appends to the audit log: who did what to which subject, when. */
    async recordAudit(input: {
      actor: string;
      action: string;
      subject: string;
      details?: Record<string, unknown>;
    }) {
      await deps.db.prisma.auditEvent.create({
        data: {
          actor: input.actor,
          action: input.action,
          subject: input.subject,
          details: (input.details ?? {}) as object,
        },
      });
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
