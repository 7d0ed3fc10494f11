import { agencyDetails, agencySummary, batchSummary, cycleSummary } from '../../src/workflows/summaries';

describe('workflow summaries for the Temporal UI', () => {
  const agency = { code: 'SO-YT', name: 'Sở Y tế', group: 'department' };

  it("names the agency and the milestones it owes, and lists each one's dates", () => {
    const milestones = [
      { key: 'annual-plan', requestOn: '2027-01-15', due: '2027-02-12' },
      { key: 'report-6m', requestOn: '2027-06-01', due: '2027-06-15' },
    ] as const;
    expect(agencySummary('dien-bien-kh99', 2027, agency, milestones)).toBe(
      'Sở Y tế (SO-YT) · dien-bien-kh99 2027 · annual-plan, report-6m',
    );
    expect(agencyDetails(milestones)).toBe(
      '- annual-plan: 2027-01-15 → 2027-02-12\n- report-6m: 2027-06-01 → 2027-06-15',
    );
  });

  it('names a batch by the agencies it holds, the last one ending at the directory', () => {
    expect(batchSummary('dien-bien-kh99', 2027, 0, 500, 1067)).toBe(
      'dien-bien-kh99 2027 · batch 1: agencies 1–500',
    );
    expect(batchSummary('dien-bien-kh99', 2027, 1000, 500, 1067)).toBe(
      'dien-bien-kh99 2027 · batch 3: agencies 1001–1067',
    );
  });

  it('names the cycle by its plan number', () => {
    expect(cycleSummary('dien-bien-kh99', 2027, '99/KH-UBND')).toBe('99/KH-UBND · dien-bien-kh99 · 2027');
  });
});
