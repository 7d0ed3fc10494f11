import {
  agencyStatusLines,
  cycleStatusLines,
  cycleStatusSummary,
  withFinalOutcomes,
  type StatusObligation,
} from '../../../src/reports/cycle-status';
import { summarizeCycle } from '../../../src/reports/cycle-summary';
import type { AgencyObligationsStatus, ObligationStatus } from '../../../src/workflows/obligation-types';

const at = new Date('2027-02-10T03:00:00Z');

/** One milestone, one agency per read-model state. */
const ROWS: StatusObligation[] = [
  { agency: 'A', milestone: 'annual-plan', status: 'accepted', submittedAt: at, lateByWorkingDays: null },
  { agency: 'B', milestone: 'annual-plan', status: 'submitted', submittedAt: at, lateByWorkingDays: 3 },
  { agency: 'C', milestone: 'annual-plan', status: 'returned', submittedAt: at, lateByWorkingDays: 0 },
  { agency: 'D', milestone: 'annual-plan', status: 'overdue', submittedAt: null, lateByWorkingDays: null },
  { agency: 'E', milestone: 'annual-plan', status: 'requested', submittedAt: null, lateByWorkingDays: null },
  { agency: 'F', milestone: 'annual-plan', status: 'waived', submittedAt: null, lateByWorkingDays: null },
  { agency: 'G', milestone: 'annual-plan', status: 'cancelled', submittedAt: null, lateByWorkingDays: null },
];

describe('cycle status', () => {
  it('splits what was submitted into on time and late while the cycle runs; waived and cancelled are not owed', () => {
    const summary = cycleStatusSummary('running', ROWS);
    expect(summary).toEqual({
      cycleStatus: 'running',
      closed: false,
      milestones: [
        {
          milestone: 'annual-plan',
          assigned: 7,
          owed: 5,
          onTime: 2,
          late: 1,
          notSubmitted: 2,
          overdue: 1,
          waived: 1,
          cancelled: 1,
        },
      ],
    });
    expect(cycleStatusLines('dien-bien-kh99 2027', summary)).toEqual([
      'dien-bien-kh99 2027: running',
      '  annual-plan      phải gửi/owed 5: đúng hạn/on time 2, muộn/late 1, chưa gửi/not yet submitted 2 ' +
        '(quá hạn/overdue 1); được miễn/waived 1, đã hủy/cancelled 1',
      '  Phải gửi = được giao, trừ được miễn và đã hủy / owed = assigned, less waived and cancelled.',
    ]);
  });

  it('shows the final outcome once the cycle has closed: missing, not overdue, from the stored summary', () => {
    // The stored summary wins over the rows (it is what the report reads).
    const stored = { E: { 'annual-plan': 'late:2' } };
    const summary = cycleStatusSummary('completed', ROWS, stored);
    expect(summary.closed).toBe(true);
    expect(summary.milestones[0]).toMatchObject({ owed: 5, onTime: 2, late: 2, notSubmitted: 1, overdue: 0 });
    const lines = cycleStatusLines('dien-bien-kh99 2027', summary);
    expect(lines[0]).toBe('dien-bien-kh99 2027: completed (kết quả cuối cùng / final outcome)');
    expect(lines[1]).toContain('không gửi/missing 1; được miễn/waived 1');
    expect(lines.join('\n')).not.toMatch(/overdue|chưa gửi/);
  });

  it('keeps the milestones in the order given', () => {
    const rows: StatusObligation[] = [
      { ...ROWS[0]!, milestone: 'report-6m' },
      { ...ROWS[0]!, milestone: 'annual-plan' },
    ];
    const summary = cycleStatusSummary('running', rows, undefined, ['annual-plan', 'report-6m', 'unused']);
    expect(summary.milestones.map((m) => m.milestone)).toEqual(['annual-plan', 'report-6m']);
  });
});

describe('cycle status --agency', () => {
  const obligation = (milestone: string, stage: ObligationStatus['stage']): ObligationStatus => ({
    milestone,
    stage,
    due: '2027-02-12',
    originalDue: '2027-02-12',
    round: 1,
    submissions: [],
    escalated: [],
    flagged: false,
    notes: [],
  });
  const status: AgencyObligationsStatus = {
    agency: { code: 'SO-YT', name: 'Sở Y tế', group: 'department' },
    program: 'dien-bien-kh99',
    year: 2027,
    clock: { originMs: 0, scale: 1, startedMs: 0 },
    obligations: [obligation('annual-plan', 'overdue'), obligation('report-6m', 'waived')],
  };

  it('shows the stages while the cycle runs', () => {
    const shown = withFinalOutcomes(status, {
      closed: false,
      outcomes: new Map([['annual-plan', { kind: 'missing' }]]),
    });
    expect(shown.closed).toBe(false);
    expect(shown.obligations.map((o) => o.outcome)).toEqual([undefined, undefined]);
    expect(agencyStatusLines(shown)[1]).toMatch(/^ {2}annual-plan +overdue +hạn\/due 2027-02-12$/);
  });

  it('shows each final outcome once the cycle has closed, not "overdue"', () => {
    const shown = withFinalOutcomes(status, {
      closed: true,
      outcomes: new Map([
        ['annual-plan', { kind: 'missing' }],
        ['report-6m', { kind: 'waived' }],
      ]),
    });
    expect(shown.obligations.map((o) => o.outcome)).toEqual([{ kind: 'missing' }, { kind: 'waived' }]);
    const lines = agencyStatusLines(shown);
    expect(lines[0]).toBe('Sở Y tế (SO-YT) (kết quả cuối cùng / final outcome)');
    expect(lines[1]).toMatch(/^ {2}annual-plan +không gửi\/missing +hạn\/due 2027-02-12$/);
    expect(lines[2]).toContain('được miễn/waived');
    expect(lines.join('\n')).not.toContain('overdue');
  });

  it('shows the stages when the read model has no such cycle', () => {
    expect(withFinalOutcomes(status, null).closed).toBe(false);
  });
});

describe('the stored summary', () => {
  it('counts as owed neither the waived nor the cancelled, as the report does', () => {
    const summary = summarizeCycle(
      'dien-bien-kh99',
      2027,
      ROWS.map((r) => ({ ...r, flagged: r.agency === 'D' })),
    );
    expect(summary.milestones).toEqual([
      { milestone: 'annual-plan', owed: 5, onTime: 2, late: 1, missing: 2, waived: 1, flagged: ['D'] },
    ]);
    expect(summary.agencies).toEqual({
      A: { 'annual-plan': 'on-time' },
      B: { 'annual-plan': 'late:3' },
      C: { 'annual-plan': 'on-time' },
      D: { 'annual-plan': 'missing' },
      E: { 'annual-plan': 'missing' },
      F: { 'annual-plan': 'waived' },
      G: { 'annual-plan': 'cancelled' },
    });
  });
});
