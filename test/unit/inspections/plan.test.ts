import { buildCalendarData } from '../../../src/calendar/load';
import { WorkingCalendar } from '../../../src/calendar/working-calendar';
import { yearsTouchedBy } from '../../../src/cycle/plan';
import { HOLIDAYS_DIR } from '../../../src/cycle/compute-plan';
import {
  earliestVisitOn,
  formVisitDates,
  planProblem,
  proposedVisits,
  riskiest,
  riskScore,
  selectForInspection,
  visitDays,
  type InspectionCandidates,
  type RiskReason,
} from '../../../src/inspections/plan';

const calendar = new WorkingCalendar(buildCalendarData(yearsTouchedBy(2027), HOLIDAYS_DIR));
const agency = (code: string) => ({ code, name: `Đơn vị ${code}`, group: 'department' });
const codes = Array.from({ length: 20 }, (_, i) => `A-${String(i + 1).padStart(2, '0')}`);

/** A seeded generator (mulberry32), standing in for the workflow's seeded Math.random. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function candidates(riskLimit: number, sampleSize: number): InspectionCandidates {
  return {
    settings: { noticeWorkingDays: 5, remedyWorkingDays: 20, riskLimit, sampleSize, visitsPerDay: 2 },
    eligible: codes,
    risky: [
      { agency: agency('A-07'), reasons: [{ kind: 'late', milestone: 'annual-plan', workingDays: 2 }] },
      {
        agency: agency('A-03'),
        reasons: [
          { kind: 'missing', milestone: 'annual-plan', dueOn: '2027-02-12' },
          { kind: 'late', milestone: 'report-6m', workingDays: 1 },
        ],
      },
      {
        agency: agency('A-12'),
        reasons: [{ kind: 'open-recommendation', year: 2026, number: 2, dueOn: '2026-11-03' }],
      },
      {
        agency: agency('A-01'),
        reasons: [
          { kind: 'missing', milestone: 'annual-plan', dueOn: '2027-02-12' },
          { kind: 'open-recommendation', year: 2026, number: 1, dueOn: '2026-11-03' },
        ],
      },
    ],
  };
}

describe('the inspection plan', () => {
  it('weighs missing over open recommendations over lateness', () => {
    expect(riskScore(candidates(0, 0).risky[1]!.reasons)).toBe(4);
    expect(riskScore(candidates(0, 0).risky[3]!.reasons)).toBe(5);
  });

  it('takes the riskiest first (score, then code), up to the limit, then a sample of the others', () => {
    const selection = selectForInspection(candidates(3, 5), seeded(1));
    expect(selection.risk.map((c) => [c.agency.code, c.score])).toEqual([
      ['A-01', 5],
      ['A-03', 4],
      ['A-12', 2],
    ]);
    expect(selection.sample).toHaveLength(5);
    expect(new Set(selection.sample).size).toBe(5);
    for (const code of selection.sample) expect(['A-01', 'A-03', 'A-12']).not.toContain(code);
    expect([...selection.sample].sort()).toEqual(selection.sample);
    // The same random sequence gives the same draw (a workflow replays its seeded Math.random).
    expect(selectForInspection(candidates(3, 5), seeded(1))).toEqual(selection);
  });

  it('selects the same from only the riskiest as from every risky agency (what the activity returns)', () => {
    // 300 agencies, about 70% of them with one to three reasons (many tied in score): for each limit and
    // seed, the selection from `riskiest(...)` alone equals the selection from the whole list.
    const random = seeded(7);
    const kinds = ['missing', 'late', 'open-recommendation'] as const;
    const reason = (k: (typeof kinds)[number]): RiskReason =>
      k === 'missing'
        ? { kind: k, milestone: 'annual-plan', dueOn: '2027-02-12' }
        : k === 'late'
          ? { kind: k, milestone: 'annual-plan', workingDays: 1 }
          : { kind: k, year: 2026, number: 1, dueOn: '2026-11-03' };
    const many = Array.from({ length: 300 }, (_, i) => `B-${String(i).padStart(3, '0')}`);
    const risky = many
      .filter(() => random() < 0.7)
      .map((code) => ({
        agency: agency(code),
        reasons: Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
          reason(kinds[Math.floor(random() * 3)]!),
        ),
      }));
    for (const limit of [0, 1, 8, 50, 400]) {
      const settings = {
        noticeWorkingDays: 5,
        remedyWorkingDays: 20,
        riskLimit: limit,
        sampleSize: 6,
        visitsPerDay: 2,
      };
      const top = riskiest(risky, limit);
      expect(top).toHaveLength(Math.min(limit, risky.length));
      const trimmed = top.map((c) => ({ agency: c.agency, reasons: c.reasons }));
      for (const seed of [1, 2, 3]) {
        expect(selectForInspection({ settings, eligible: many, risky: trimmed }, seeded(seed))).toEqual(
          selectForInspection({ settings, eligible: many, risky }, seeded(seed)),
        );
      }
    }
  });

  it('draws every eligible agency about equally often', () => {
    const counts = new Map<string, number>();
    const random = seeded(42);
    const draws = 4000;
    for (let i = 0; i < draws; i++) {
      for (const code of selectForInspection(candidates(0, 4), random).sample) {
        counts.set(code, (counts.get(code) ?? 0) + 1);
      }
    }
    // Each of the 20 is drawn with probability 4/20: 800 of 4000 expected; a biased shuffle would be far off.
    expect(counts.size).toBe(20);
    for (const n of counts.values()) expect(Math.abs(n - 800)).toBeLessThan(120);
  });

  it('samples no more than there are, and nothing when the size is 0', () => {
    expect(selectForInspection(candidates(20, 50), seeded(3)).sample).toHaveLength(16);
    expect(selectForInspection(candidates(2, 0), seeded(3)).sample).toEqual([]);
  });

  it('spreads visits over working days, skipping weekends and holidays', () => {
    // Tue 31/08/2027, then the National Day holiday (Thu 02 – Fri 03/09) and the weekend.
    expect(visitDays(calendar, '2027-08-31', 2, 5)).toEqual([
      '2027-08-31',
      '2027-08-31',
      '2027-09-01',
      '2027-09-01',
      '2027-09-06',
    ]);
    expect(visitDays(calendar, '2027-10-02', 1, 2)).toEqual(['2027-10-04', '2027-10-05']);
    const selection = selectForInspection(candidates(2, 1), seeded(9));
    const visits = proposedVisits(selection, selection.sample.map(agency), calendar, '2027-10-01', 2);
    expect(visits.map((v) => [v.source, v.visitOn])).toEqual([
      ['risk', '2027-10-01'],
      ['risk', '2027-10-01'],
      ['sample', '2027-10-04'],
    ]);
  });

  it('leaves room for the notice after the approval day', () => {
    // Approved Thu 09/09/2027: the notice can go on Fri 10/09 at the earliest, 5 working days before Fri 17/09.
    expect(earliestVisitOn(calendar, '2027-09-09', 5)).toBe('2027-09-17');
    // Approved on a Saturday: the next working day is Mon 13/09, the notice Tue 14/09, the visit Tue 21/09.
    expect(earliestVisitOn(calendar, '2027-09-11', 5)).toBe('2027-09-21');
  });

  it('refuses an approval naming a stranger, a day off, a date too soon or too late, a kind or agency twice', () => {
    const eligible = new Set(codes);
    const problem = (visits: unknown, by = 'coordinator:huong') =>
      planProblem({ visits, by } as never, eligible, calendar, '2027-09-17', '2028-03-31');
    const check = (visits: unknown, by?: string) => problem(visits, by)?.message;
    expect(check([])).toBeUndefined();
    expect(check([{ code: 'A-01', kind: 'thanh-tra', visitOn: '2027-09-17' }])).toBeUndefined();
    expect(check([], ' ')).toBe('by is required');
    expect(check('A-01')).toBe('visits must be a list (empty for no inspection this year)');
    expect(check([{ code: 'B-01', kind: 'kiem-tra', visitOn: '2027-10-01' }])).toBe(
      'visit 1: "B-01" is not an agency this program\'s inspections address',
    );
    expect(check([{ code: 'A-01', kind: 'audit', visitOn: '2027-10-01' }])).toBe(
      'visit 1 (A-01): the kind must be one of kiem-tra, thanh-tra',
    );
    expect(check([{ code: 'A-01', kind: 'kiem-tra', visitOn: '01/10/2027' }])).toBe(
      'visit 1 (A-01): "01/10/2027" is not a date written YYYY-MM-DD',
    );
    expect(check([{ code: 'A-01', kind: 'kiem-tra', visitOn: '2028-04-03' }])).toBe(
      "visit 1 (A-01): 2028-04-03 is after 2028-03-31, the last day of the cycle's calendar",
    );
    expect(check([{ code: 'A-01', kind: 'kiem-tra', visitOn: '2027-09-02' }])).toBe(
      'visit 1 (A-01): 2027-09-02 is not a working day',
    );
    // The code and values the pages translate.
    expect(problem([{ code: 'A-01', kind: 'kiem-tra', visitOn: '2027-09-02' }])).toEqual({
      code: 'visit-not-working-day',
      values: { line: 1, code: 'A-01', date: '2027-09-02' },
      message: 'visit 1 (A-01): 2027-09-02 is not a working day',
    });
    expect(
      check(
        Array.from({ length: 201 }, (_, i) => ({ code: `X-${i}`, kind: 'kiem-tra', visitOn: '2027-10-01' })),
      ),
    ).toBe('more than 200 visits');
  });
});

describe('the approval form’s dates', () => {
  const proposed = ['2027-09-23', '2027-09-23', '2027-09-24'] as const;
  it('are the proposal’s while its first visit can still be approved', () => {
    expect(formVisitDates(proposed, '2027-09-22', calendar, 2)).toEqual([...proposed]);
    expect(formVisitDates(proposed, undefined, calendar, 2)).toEqual([...proposed]);
  });
  it('are placed again from the earliest date, visits per day as the program says, once the proposal has waited', () => {
    // Fri 01/10/2027 is the earliest: two a day, so the third visit goes to Mon 04/10.
    expect(formVisitDates(proposed, '2027-10-01', calendar, 2)).toEqual([
      '2027-10-01',
      '2027-10-01',
      '2027-10-04',
    ]);
    expect(formVisitDates(proposed, '2027-10-01', calendar, 1)).toEqual([
      '2027-10-01',
      '2027-10-04',
      '2027-10-05',
    ]);
  });
});
