// Delivers the receipts the portal could not hand to the workflow at once (Temporal unreachable, the worker
// down or slow): every web process polls the pending ones, claims each before it tries (so two processes
// never deliver the same one at once) and retries with backoff, under the receipt's own Update ID, so the
// workflow takes it exactly once. A refusal is stored on the row, and the task page shows it.
import type { Client } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../../db/client';
import { claimReceipt, deliverReceipt, dueReceipts, settleReceipt } from './submission-receipts';

export interface ReceiptDelivererOptions {
  /** How often pending receipts are looked for (default 5 s). */
  pollMs?: number;
  /** How long one attempt waits for the workflow (default: DELIVERY_DEADLINE_MS). */
  deadlineMs?: number;
}

export class ReceiptDeliverer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly temporal: Client,
    private readonly log: FastifyBaseLogger,
    private readonly options: ReceiptDelivererOptions = {},
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Stops polling and waits for an attempt in flight (its outcome is written). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((err: unknown) => this.log.warn({ err }, 'receipt delivery: cannot read pending receipts'))
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.options.pollMs ?? 5_000);
  }

  /** One pass over the receipts due; stops at the first that gets no answer (Temporal is likely away). */
  async tick(): Promise<void> {
    for (const row of await dueReceipts(this.db, 20)) {
      if (this.stopped) return;
      if (!(await claimReceipt(this.db, row.id))) continue;
      const outcome = await deliverReceipt(this.temporal, row, this.options.deadlineMs);
      await settleReceipt(this.db, row, outcome);
      const fields = {
        receiptNumber: row.receiptNumber,
        workflowId: row.workflowId,
        attempt: row.attempts + 1,
      };
      if (outcome.kind === 'unknown') {
        this.log.warn({ ...fields, error: outcome.error }, 'receipt delivery: no answer; will retry');
        return;
      }
      this.log.info({ ...fields, outcome: outcome.kind }, 'receipt delivered');
    }
  }
}
