import { calendarNow, localDate, localInstant, realClock, sleepUntil } from '../../../src/cycle/clock';

describe('cycle clock', () => {
  it('is the real clock at scale 1', () => {
    const now = Date.UTC(2027, 0, 15, 1);
    const clock = realClock(now);
    expect(calendarNow(clock, now + 5000)).toBe(now + 5000);
    expect(sleepUntil(clock, now, now + 60_000)).toBe(60_000);
    expect(sleepUntil(clock, now, now - 1)).toBe(0);
  });

  it('compresses a year into minutes', () => {
    const origin = localInstant('2027-01-15', 8);
    const clock = { originMs: origin, startedMs: 1_000_000, scale: 100_000 };
    const endOfYear = localInstant('2027-12-31', 17);
    const wait = sleepUntil(clock, 1_000_000, endOfYear);
    // 350 days and 9 hours at 100,000× is a little over five minutes.
    expect(wait).toBe(Math.ceil(((350 * 24 + 9) * 3600_000) / 100_000));
    expect(calendarNow(clock, 1_000_000 + wait)).toBeGreaterThanOrEqual(endOfYear);
    expect(calendarNow(clock, 1_000_000 + wait) - endOfYear).toBeLessThan(clock.scale);
  });

  it('converts local dates at UTC+7', () => {
    expect(new Date(localInstant('2027-01-01', 0)).toISOString()).toBe('2026-12-31T17:00:00.000Z');
    expect(localDate(localInstant('2027-03-01', 23, 59))).toBe('2027-03-01');
    expect(localDate(Date.UTC(2027, 2, 1, 17))).toBe('2027-03-02');
  });
});
