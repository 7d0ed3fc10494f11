import { setMaxListeners } from 'node:events';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Database } from '../../src/db/client';
import { calendarNow, type ClockSpec } from '../../src/cycle/clock';
import { acceptUpdate, statusQuery, submitUpdate } from '../../src/workflows/messages/agency-obligations';

const HEADER =
  'code,name,name_en,group,parent_code,focal_point_name,focal_point_email,head_name,head_email,deputy_name,deputy_email';

/** The lead's focal point (it owes the consolidation). */
export const LEAD_FOCAL_POINT = 'pa.st@sovhttdl.dienbien.example';

/** The focal point of synthetic agency `i` (1-based; 0 is the lead). */
export function focalPoint(i: number): string {
  return i === 0 ? LEAD_FOCAL_POINT : `focal.${String(i).padStart(5, '0')}@bench.dienbien.example`;
}

/**
 * The lead (SO-VHTTDL) and N-1 synthetic communes and departments, as in bench/cycle-scale.ts (same codes,
 * groups and addresses).
 */
export function directoryCsv(n: number): string {
  const lines = [
    HEADER,
    '"SO-VHTTDL","Sở Văn hóa, Thể thao và Du lịch","Department of Culture, Sports and Tourism",department,,' +
      `Sình Thị Pà,${LEAD_FOCAL_POINT},Nguyễn Quang Nam,nam.nq@sovhttdl.dienbien.example,,`,
  ];
  for (let i = 1; i < n; i++) {
    const id = String(i).padStart(5, '0');
    const commune = i % 5 !== 0;
    const group = commune ? 'commune_committee' : 'department';
    const name = commune ? `Ủy ban nhân dân xã Thử nghiệm ${id}` : `Sở Thử nghiệm ${id}`;
    const en = commune ? `People's Committee of Test commune ${id}` : `Test Department ${id}`;
    lines.push(
      `BENCH-${id},${name},${en},${group},,Lò Văn Một,${focalPoint(i)},` +
        `Quàng Thị Hai,head.${id}@bench.dienbien.example,,`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Runs `fn` over `items`, `size` at a time. */
export async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** One submission as the agency sent it, with the receipt the workflow gave back. */
export interface SentSubmission {
  workflowId: string;
  milestone: string;
  receiptNumber: string;
  submittedBy: string;
  summary: string;
  figures?: Record<string, number>;
  /** The coordinator accepted it (the accept Update returned). */
  accepted: boolean;
  /** The agency's own send time (wall ms), as it sent it in `receivedAt` (or would have, without it). */
  sentAt: number;
  /** The agency answered after its due day on purpose (LateAnswers). */
  late: boolean;
  /** It was sent while the worker was killed (the harness's `workerDown`). */
  sentWhileWorkerDown: boolean;
}

/**
 * When an agency answers a milestone late on purpose: the calendar instant it sends at, and the end of
 * the due day (from then on a kill's downtime may make it send at once); undefined to answer at once.
 */
export type LateAnswers = (
  workflowId: string,
  milestone: string,
) => { sendAt: number; dueDayEnd: number } | undefined;

export interface AgencyBehaviour {
  late?: LateAnswers;
  /** Send the agency's time as `receivedAt` (default true; false shows the worker's handling time used). */
  sendReceivedAt?: boolean;
}

/** Milestones whose submissions carry Plan 99's report figures. */
const REPORT_MILESTONES = new Set(['report-6m', 'report-annual']);

/**
 * The agencies and the coordinator: each agency answers a milestone as soon as its request has been sent
 * (a `sent` request row in the notification log), and the coordinator accepts. Every Update carries an ID
 * of its own (one per agency, milestone and round), so a call that fails in a fault (a worker killed while
 * the Update was in flight) is simply sent again and acts once.
 */
export class SyntheticAgencies {
  readonly sent = new Map<string, SentSubmission>();
  /** Answers the workflow refused, or calls that failed for good: "<workflow> <milestone>: <reason>". */
  readonly refused: string[] = [];
  /** Calls sent again after a transient error (a worker gone, a timeout). */
  retried = 0;
  private handled = new Set<string>();
  private readonly abort = new AbortController();
  /** Set by the harness while the worker is killed. */
  workerDown = false;
  /** The cycle's clock, read from the first agency workflow that answers its status Query. */
  private clock?: Promise<ClockSpec>;
  /** The cycle's clock once read (the harness must not wait on a Query while the worker is down). */
  knownClock?: ClockSpec;
  /** Late answers waiting for their moment: woken early by `answerOverdueNow` (a kill's downtime). */
  private readonly waiting = new Set<{ dueDayEnd: number; wake: () => void; due: boolean }>();
  private holding = false;

  /**
   * While held, late answers whose moment comes stay waiting (the harness holds them from the moment it
   * decides to kill the worker until it is down, so that they send while it is); released, they send.
   */
  holdLateAnswers(hold: boolean): void {
    this.holding = hold;
    if (!hold) for (const w of [...this.waiting]) if (w.due) w.wake();
  }

  constructor(
    private readonly client: Client,
    private readonly db: Database,
    private readonly year: number,
    private readonly log: (line: string) => void,
    private readonly behaviour: AgencyBehaviour = {},
  ) {
    // One listener per Update in flight.
    setMaxListeners(10_000, this.abort.signal);
  }

  private running = 0;
  private readonly queue: (() => Promise<void>)[] = [];
  private idle: (() => void)[] = [];

  /**
   * Answers every request sent since the last call, at most `concurrency` Updates in flight in all: an
   * answer stuck behind a killed worker does not hold back the others. Returns how many it took on.
   */
  async answerNewRequests(concurrency = 50): Promise<number> {
    if (this.abort.signal.aborted) return 0;
    const rows = await this.db.prisma.notification.findMany({
      where: { status: 'sent', step: { contains: ':request' } },
      select: { workflowId: true, step: true },
    });
    let taken = 0;
    for (const r of rows) {
      const match = /^([^:]+):(r\d+):request$/.exec(r.step);
      if (!match) continue;
      const key = `${r.workflowId}|${match[1]}|${match[2]}`;
      if (this.handled.has(key)) continue;
      this.handled.add(key);
      taken++;
      const task = () => this.answer(r.workflowId, match[1]!, match[2]!);
      const late = match[2] === 'r0' ? this.behaviour.late?.(r.workflowId, match[1]!) : undefined;
      if (!late) {
        this.queue.push(task);
        continue;
      }
      // Waits outside the pool of Updates in flight (a late answer holds no slot while it waits).
      this.lateWaiting++;
      void this.waitUntil(r.workflowId, late)
        .catch((err: unknown) => this.refused.push(`late wait: ${(err as Error).message}`))
        .finally(() => {
          this.lateWaiting--;
          this.lateKeys.add(`${r.workflowId}|${match[1]}`);
          if (!this.abort.signal.aborted) this.queue.push(task);
          this.drain(concurrency);
          this.checkIdle();
        });
    }
    this.drain(concurrency);
    return taken;
  }

  private lateWaiting = 0;
  private readonly lateKeys = new Set<string>();

  /**
   * Late answers whose due day had ended by calendar instant `calendarNowMs` send now instead of at
   * their moment (the harness calls this while the worker is killed). Returns how many.
   */
  answerOverdueNow(calendarNowMs: number): number {
    let n = 0;
    for (const w of [...this.waiting]) {
      if (w.dueDayEnd > calendarNowMs) continue;
      this.waiting.delete(w);
      w.wake();
      n++;
    }
    return n;
  }

  /** Late answers waiting whose due day had ended by calendar instant `calendarNowMs`, and all waiting. */
  lateWaitingAt(calendarNowMs: number): { overdue: number; waiting: number } {
    const overdue = [...this.waiting].filter((w) => w.dueDayEnd <= calendarNowMs).length;
    return { overdue, waiting: this.waiting.size };
  }

  /** The cycle's clock (every agency workflow has the same one), asked once. */
  cycleClock(workflowId: string): Promise<ClockSpec> {
    this.clock ??= (async () => {
      const status = await this.call(workflowId, 'status', () =>
        this.client.workflow.getHandle(workflowId).query(statusQuery),
      );
      if (!status) {
        this.clock = undefined;
        throw new Error(`${workflowId}: its status Query failed`);
      }
      const { clock } = status as { clock: ClockSpec };
      this.knownClock = clock;
      return clock;
    })();
    return this.clock;
  }

  private async waitUntil(workflowId: string, late: { sendAt: number; dueDayEnd: number }): Promise<void> {
    const clock = await this.cycleClock(workflowId);
    const atMs = clock.startedMs + (late.sendAt - clock.originMs) / clock.scale;
    await new Promise<void>((resolve) => {
      const entry = {
        dueDayEnd: late.dueDayEnd,
        due: false,
        wake: () => {
          clearTimeout(timer);
          this.abort.signal.removeEventListener('abort', entry.wake);
          this.waiting.delete(entry);
          resolve();
        },
      };
      const timer = setTimeout(
        () => {
          entry.due = true;
          if (!this.holding) entry.wake();
        },
        Math.max(0, atMs - Date.now()),
      );
      this.abort.signal.addEventListener('abort', entry.wake);
      this.waiting.add(entry);
      // The due day may have ended already while the worker is down.
      if (this.workerDown && calendarNow(clock, Date.now()) >= late.dueDayEnd) entry.wake();
    });
  }

  /** Gives up every Update in flight and takes no new one (before the client's connection closes). */
  async stop(): Promise<void> {
    this.abort.abort();
    this.queue.length = 0;
    await this.settled();
  }

  /** Resolves once every answer taken on has finished. */
  async settled(): Promise<void> {
    if (this.isIdle()) return;
    await new Promise<void>((r) => this.idle.push(r));
  }

  private isIdle(): boolean {
    return this.running === 0 && this.queue.length === 0 && this.lateWaiting === 0;
  }

  private checkIdle(): void {
    if (this.isIdle()) for (const r of this.idle.splice(0)) r();
  }

  private drain(concurrency: number): void {
    while (this.running < concurrency && this.queue.length > 0) {
      const task = this.queue.shift()!;
      this.running++;
      void task()
        .catch((err: unknown) => this.refused.push(`unexpected: ${(err as Error).message}`))
        .finally(() => {
          this.running--;
          this.drain(concurrency);
          this.checkIdle();
        });
    }
  }

  private async answer(workflowId: string, milestone: string, round: string): Promise<void> {
    const handle = this.client.workflow.getHandle(workflowId);
    const agency = workflowId.split(':').at(-1)!;
    const submittedBy = `Lò Văn Một (${agency})`;
    const summary = `${milestone} ${this.year} của ${agency}, vòng ${round}`;
    const figures = REPORT_MILESTONES.has(milestone)
      ? { 'events-held': agency.length + milestone.length, participants: 100 + round.length }
      : undefined;
    const base = `chaos:${workflowId}:${milestone}:${round}`;
    // Stamped when the agency sends it, as the portal does: a worker killed meanwhile does not make it later.
    const receivedAt = Date.now();
    const sentWhileWorkerDown = this.workerDown;
    const time = this.behaviour.sendReceivedAt === false ? {} : { receivedAt };
    const submitted = await this.call(workflowId, milestone, () =>
      handle.executeUpdate(submitUpdate, {
        args: [{ milestone, submittedBy, summary, ...time, ...(figures ? { figures } : {}) }],
        updateId: `${base}:submit`,
      }),
    );
    if (!submitted) return;
    const { receiptNumber } = submitted as { receiptNumber: string };
    const record: SentSubmission = {
      workflowId,
      milestone,
      receiptNumber,
      submittedBy,
      summary,
      figures,
      accepted: false,
      sentAt: receivedAt,
      late: round === 'r0' && this.lateKeys.has(`${workflowId}|${milestone}`),
      sentWhileWorkerDown,
    };
    this.sent.set(receiptNumber, record);
    const accepted = await this.call(workflowId, milestone, () =>
      handle.executeUpdate(acceptUpdate, {
        args: [{ milestone, by: 'coordinator:chaos' }],
        updateId: `${base}:accept`,
      }),
    );
    if (accepted !== undefined) record.accepted = true;
  }

  /**
   * One Update, sent again (same Update ID) after a transient failure; undefined when the workflow refused
   * it or it failed for good. An accept resolves to null (the Update returns nothing).
   */
  private async call(workflowId: string, milestone: string, fn: () => Promise<unknown>): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      if (this.abort.signal.aborted) return undefined;
      try {
        return (await this.client.withAbortSignal(this.abort.signal, fn)) ?? null;
      } catch (err) {
        if (this.abort.signal.aborted) return undefined;
        const message = (err as { cause?: Error }).cause?.message ?? (err as Error).message;
        const closed = /already completed|not found|aborted by closing workflow/i.test(message);
        if (err instanceof WorkflowUpdateFailedError || closed || attempt >= 10) {
          this.refused.push(`${workflowId} ${milestone}: ${message}`);
          return undefined;
        }
        this.retried++;
        this.log(`${workflowId} ${milestone}: ${message}; sending the same Update again`);
        await new Promise((r) => setTimeout(r, 1000 * attempt));
      }
    }
  }
}
