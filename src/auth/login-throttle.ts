// Failed-login counting, in the web process's memory (no table): after 5 failures within 15 minutes
// for one login, that login is refused until the oldest failure is 15 minutes old. A restart forgets
// the counts; with several web processes each counts its own (a deployment behind a load balancer gets
// at most 5 tries per process and window).

export const MAX_FAILURES = 5;
export const WINDOW_MS = 15 * 60_000;
/** Logins tracked at most (older entries are dropped first), so a flood of names cannot fill memory. */
const MAX_TRACKED = 10_000;

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  private recent(login: string, now: number): number[] {
    const list = (this.failures.get(login) ?? []).filter((t) => now - t < WINDOW_MS);
    if (list.length === 0) this.failures.delete(login);
    else this.failures.set(login, list);
    return list;
  }

  /** True when `login` has had 5 failures in the last 15 minutes: refuse without checking the password. */
  isLocked(login: string, now: number): boolean {
    return this.recent(login, now).length >= MAX_FAILURES;
  }

  recordFailure(login: string, now: number): void {
    const list = this.recent(login, now);
    list.push(now);
    this.failures.delete(login);
    this.failures.set(login, list);
    while (this.failures.size > MAX_TRACKED) {
      this.failures.delete(this.failures.keys().next().value!);
    }
  }

  /** A successful login clears the count. */
  reset(login: string): void {
    this.failures.delete(login);
  }
}
