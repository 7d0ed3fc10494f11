// A bound on password hashing: at most `concurrency` scrypt computations at once (each takes a libuv
// thread-pool thread and 128 MiB), at most `queue` more waiting; anything beyond is refused at once with
// HashingBusy (the login page answers 503 with Retry-After). A flood of logins thus leaves the rest of
// the thread pool, and memory, to file uploads and downloads.

/** Thrown when the hashing queue is full: nothing was computed, the caller should answer "try again". */
export class HashingBusy extends Error {
  override name = 'HashingBusy';
  constructor() {
    super('too many password checks at once; try again shortly');
  }
}

export class HashingGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    readonly queue: number,
  ) {}

  /** Runs `work` when a slot is free; throws HashingBusy without running it when the queue is full. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) throw new HashingBusy();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      // The slot passes to the next waiter directly (running stays the same), or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** The process's gate: 2 hashes at once (of libuv's 4 threads), 16 waiting. */
export const PASSWORD_HASHING = new HashingGate(2, 16);
