import { cycleInstant, localInstant, storedClock } from '../../../src/cycle/clock';

describe('a cycle’s stored clock', () => {
  it('is read back only when it is one, and maps real instants to the cycle’s calendar', () => {
    const clock = { originMs: localInstant('2027-01-04', 7), startedMs: 1_800_000_000_000, scale: 100_000 };
    expect(storedClock(clock)).toEqual(clock);
    expect(storedClock(null)).toBeUndefined();
    expect(storedClock({ ...clock, scale: 0 })).toBeUndefined();
    expect(storedClock({ originMs: '1', startedMs: 2, scale: 1 })).toBeUndefined();
    // One real second is 100,000 calendar seconds (about 27.8 hours) at this scale.
    expect(cycleInstant(clock, clock.startedMs + 1000)).toBe(clock.originMs + 100_000_000);
    expect(cycleInstant(undefined, 42)).toBe(42);
  });
});
