import { setMaxListeners } from 'node:events';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Database } from '../../src/db/client';
import { acceptUpdate, submitUpdate } from '../../src/workflows/messages/agency-obligations';

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

  constructor(
    private readonly client: Client,
    private readonly db: Database,
    private readonly year: number,
    private readonly log: (line: string) => void,
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
      this.queue.push(() => this.answer(r.workflowId, match[1]!, match[2]!));
    }
    this.drain(concurrency);
    return taken;
  }

  /** Gives up every Update in flight and takes no new one (before the client's connection closes). */
  async stop(): Promise<void> {
    this.abort.abort();
    this.queue.length = 0;
    await this.settled();
  }

  /** Resolves once every answer taken on has finished. */
  async settled(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return;
    await new Promise<void>((r) => this.idle.push(r));
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
          if (this.running === 0 && this.queue.length === 0) {
            for (const r of this.idle.splice(0)) r();
          }
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
    const submitted = await this.call(workflowId, milestone, () =>
      handle.executeUpdate(submitUpdate, {
        args: [{ milestone, submittedBy, summary, receivedAt, ...(figures ? { figures } : {}) }],
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
