import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { createTimeSkippingEnv } from '../../support/temporal';
import { freshDatabase, type TestDatabase } from '../../support/databases';
import { MailpitApi, startMailpit, type TestMailServer } from '../../support/mailpit';
import { seedCycle, type SeededCycle } from '../../support/cycle-fixture';
import { TEST_FROM, TEST_LINKS } from '../../support/worker';
import { testFiles } from '../../support/files';
import { createMailer, type Mailer } from '../../../src/mail/mailer';
import { createWorker } from '../../../src/temporal/create-worker';
import { buildCalendarData } from '../../../src/calendar/load';
import { HOLIDAYS_DIR } from '../../../src/cycle/compute-plan';
import { localInstant } from '../../../src/cycle/clock';
import { yearsTouchedBy } from '../../../src/cycle/plan';
import { buildWebServer } from '../../../src/web/server';
import type { IsoDate } from '../../../src/calendar/dates';
import type { FilesConfig } from '../../../src/config/files';
import {
  agencyWorkflowId,
  type AgencyObligationsInput,
  type AgencyObligationsStatus,
} from '../../../src/workflows/obligation-types';
import { statusQuery } from '../../../src/workflows/messages/agency-obligations';
import { agencyObligations } from '../../../src/workflows/agency-obligations';

export const YEAR = 2027;
export const PROGRAM = 'dien-bien-kh99';

export interface StackAgency {
  code: string;
  name: string;
  group: string;
}

/**
 * Everything a browser test talks to, all real and on loopback: Temporal's time-skipping test server
 * with the project's worker (real workflows and activities), Mailpit as the SMTP server, a fresh SQLite
 * database seeded with the Điện Biên directory and Plan 99's 2027 cycle, a throwaway file store, and the
 * web server (portal and dashboard) listening on a free port. The worker's emails link to that port.
 */
export interface E2EStack {
  env: TestWorkflowEnvironment;
  database: TestDatabase;
  seeded: SeededCycle;
  smtp: TestMailServer;
  mail: MailpitApi;
  files: FilesConfig & { remove(): void };
  app: FastifyInstance;
  /** http://127.0.0.1:<port> */
  base: string;
  taskQueue: string;
  /** The instant the web pages take as "now" (ms); `advanceTo` moves it with the workflows' clock. */
  pageTime: number;
  /** Starts the agency's obligations workflow for the annual plan (the cycle's first milestone). */
  startAgency(agency: StackAgency): Promise<WorkflowHandle>;
  /** The workflow handle of an agency started by `startAgency`. */
  handle(code: string): WorkflowHandle;
  /** Lets the (skipped) time run until a local date and hour of the cycle's calendar. */
  advanceTo(date: IsoDate, hour?: number): Promise<void>;
  /** The task link (`<base>/nhiem-vu/<token>`) in the request email sent to `address`. */
  taskLinkFromEmail(address: string): Promise<string>;
  /** Terminates the workflows and stops everything, in order; safe after a failed start. */
  stop(): Promise<void>;
}

export async function startStack(options: {
  /** Database name suffix and task queue (unique per test file). */
  name: string;
  /** The pages' "now" until the first `advanceTo`. */
  pageTime: number;
}): Promise<E2EStack> {
  const stops: (() => Promise<unknown> | unknown)[] = [];
  const handles = new Map<string, WorkflowHandle>();
  const taskQueue = `e2e-${options.name}`;
  let clock: AgencyObligationsStatus['clock'] | undefined;

  const stop = async () => {
    for (const handle of handles.values()) await handle.terminate('test done').catch(() => undefined);
    for (const step of stops.reverse()) await Promise.resolve(step()).catch(() => undefined);
  };

  try {
    const env = await createTimeSkippingEnv();
    stops.push(() => env.teardown());
    const database = await freshDatabase('sqlite', `e2e_${options.name.replace(/-/g, '_')}`);
    stops.push(() => database.drop());
    const seeded = await seedCycle(database.db, YEAR);
    const files = testFiles();
    stops.push(() => files.remove());
    const smtp = await startMailpit();
    stops.push(() => smtp.stop());
    const mail = new MailpitApi(smtp.apiUrl);
    const mailer: Mailer = createMailer({ url: smtp.smtpUrl, from: TEST_FROM });
    stops.push(() => mailer.close());

    // The web server first, so the worker's emails can link to where it really listens.
    const stack = {} as E2EStack;
    const app = buildWebServer({
      db: database.db,
      links: TEST_LINKS,
      files,
      now: () => stack.pageTime,
      temporal: env.client,
      // Submissions are stamped with the time-skipping server's time, the workflows' clock.
      receiptClock: () => env.currentTimeMs(),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    stops.push(() => app.close());
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      maxEmailsPerSecond: 1000,
      deps: {
        db: database.db,
        mailer,
        from: TEST_FROM,
        links: { publicUrl: base, secret: TEST_LINKS.secret },
        filesRoot: files.root,
      },
    });
    const running = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await running;
    });

    const calendar = buildCalendarData(yearsTouchedBy(YEAR), HOLIDAYS_DIR);
    const annual = seeded.plan.milestones.find((m) => m.key === 'annual-plan')!;

    Object.assign(stack, {
      env,
      database,
      seeded,
      smtp,
      mail,
      files,
      app,
      base,
      taskQueue,
      pageTime: options.pageTime,
      async startAgency(agency: StackAgency) {
        const input: AgencyObligationsInput = {
          cycleId: seeded.cycleId,
          program: PROGRAM,
          year: YEAR,
          programVersionId: seeded.programVersionId,
          agency,
          milestones: [annual],
          calendar,
          clock: { originMs: localInstant(seeded.plan.startsOn, 7), scale: 1 },
          closesOn: seeded.plan.endsOn,
        };
        const handle = await env.client.workflow.start(agencyObligations, {
          taskQueue,
          workflowId: agencyWorkflowId(PROGRAM, YEAR, agency.code),
          args: [input],
        });
        handles.set(agency.code, handle);
        return handle;
      },
      handle(code: string) {
        const handle = handles.get(code);
        if (!handle) throw new Error(`no workflow started for ${code}`);
        return handle;
      },
      async advanceTo(date: IsoDate, hour = 12) {
        if (!clock) {
          const first = handles.values().next().value;
          if (!first) throw new Error('advanceTo: start an agency first');
          clock = (await first.query(statusQuery)).clock;
        }
        const calendarNow = clock.originMs + ((await env.currentTimeMs()) - clock.startedMs) * clock.scale;
        const target = localInstant(date, hour);
        if (target < calendarNow) throw new Error(`already past ${date} ${hour}:00`);
        await env.sleep((target - calendarNow) / clock.scale);
        stack.pageTime = target;
      },
      async taskLinkFromEmail(address: string) {
        const [request] = await mail.waitFor(
          (m) => m.Subject.includes('Kế hoạch') && m.To.some((to) => to.Address === address),
          1,
        );
        const email = await mail.get(request!.ID);
        const escapedBase = base.replace(/[.]/g, '\\.');
        const found = new RegExp(`${escapedBase}/nhiem-vu/[A-Za-z0-9._-]+`).exec(email.Text);
        if (!found) throw new Error(`no task link to ${base} in the request email:\n${email.Text}`);
        // The HTML part links to the same page.
        if (!email.HTML.includes(`href="${found[0]}"`)) {
          throw new Error(`the HTML part of the request email does not link to ${found[0]}`);
        }
        return found[0];
      },
      stop,
    });
    return stack;
  } catch (err) {
    await stop();
    throw err;
  }
}
