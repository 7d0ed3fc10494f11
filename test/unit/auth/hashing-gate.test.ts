import { HashingBusy, HashingGate, PASSWORD_HASHING } from '../../../src/auth/hashing-gate';
import { hashPassword, verifyPassword } from '../../../src/auth/password';

describe('password hashing gate', () => {
  it('runs at most `concurrency` at once, queues `queue` more and refuses the rest without running them', async () => {
    const gate = new HashingGate(2, 3);
    let running = 0;
    let most = 0;
    let ran = 0;
    const work = () =>
      gate.run(async () => {
        ran++;
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
        return 'ok';
      });
    const results = await Promise.allSettled(Array.from({ length: 7 }, work));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(2);
    for (const r of refused) expect(r.reason).toBeInstanceOf(HashingBusy);
    expect(ran).toBe(5);
    expect(most).toBe(2);
    // Freed slots take new work.
    await expect(work()).resolves.toBe('ok');
  });

  it('bounds real password checks: a flood beyond the queue is refused at once', async () => {
    const stored = await hashPassword('Điện Biên Phủ 1954!');
    const { concurrency, queue } = PASSWORD_HASHING;
    const flood = Array.from({ length: concurrency + queue + 3 }, () =>
      verifyPassword('Điện Biên Phủ 1954!', stored),
    );
    const results = await Promise.allSettled(flood);
    expect(results.filter((r) => r.status === 'fulfilled' && r.value === true)).toHaveLength(
      concurrency + queue,
    );
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(3);
    for (const r of refused) expect(r.reason).toBeInstanceOf(HashingBusy);
  }, 120_000);
});
