import { LoginThrottle, MAX_FAILURES, WINDOW_MS } from '../../../src/auth/login-throttle';

describe('failed-login throttle', () => {
  it('locks a login after 5 failures within 15 minutes, until the oldest is 15 minutes old', () => {
    const t = new LoginThrottle();
    const start = 1_000_000;
    for (let i = 0; i < MAX_FAILURES - 1; i++) t.recordFailure('huong', start + i * 60_000);
    expect(t.isLocked('huong', start + 5 * 60_000)).toBe(false);
    t.recordFailure('huong', start + 5 * 60_000);
    expect(t.isLocked('huong', start + 5 * 60_000)).toBe(true);
    expect(t.isLocked('trang', start + 5 * 60_000)).toBe(false);
    expect(t.isLocked('huong', start + WINDOW_MS - 1)).toBe(true);
    expect(t.isLocked('huong', start + WINDOW_MS)).toBe(false);
  });

  it('forgets the failures of a login that then succeeds', () => {
    const t = new LoginThrottle();
    for (let i = 0; i < 4; i++) t.recordFailure('huong', i);
    t.reset('huong');
    t.recordFailure('huong', 10);
    expect(t.isLocked('huong', 11)).toBe(false);
  });
});
