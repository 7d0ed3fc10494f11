import { outcomeOfObligation, parseOutcome, rateCounts } from '../../../src/reports/consolidated/build';
import { placeOf } from '../../../src/reports/consolidated/build';
import { outcomeLabel } from '../../../src/reports/consolidated/words';

describe('outcomes and on-time rates', () => {
  it('parses the cycle summary strings', () => {
    expect(parseOutcome('on-time')).toEqual({ kind: 'on-time' });
    expect(parseOutcome('late:12')).toEqual({ kind: 'late', days: 12 });
    expect(parseOutcome('missing')).toEqual({ kind: 'missing' });
    expect(parseOutcome('waived')).toEqual({ kind: 'waived' });
    expect(parseOutcome('cancelled')).toEqual({ kind: 'cancelled' });
    expect(() => parseOutcome('late')).toThrow('unknown outcome "late"');
  });

  it('applies the consolidation rule to an obligation row', () => {
    const at = new Date('2027-02-01T02:00:00Z');
    expect(outcomeOfObligation({ status: 'waived', submittedAt: at, lateByWorkingDays: 3 })).toEqual({
      kind: 'waived',
    });
    expect(outcomeOfObligation({ status: 'cancelled', submittedAt: null, lateByWorkingDays: null })).toEqual({
      kind: 'cancelled',
    });
    expect(outcomeOfObligation({ status: 'overdue', submittedAt: null, lateByWorkingDays: null })).toEqual({
      kind: 'missing',
    });
    expect(outcomeOfObligation({ status: 'accepted', submittedAt: at, lateByWorkingDays: 2 })).toEqual({
      kind: 'late',
      days: 2,
    });
    expect(outcomeOfObligation({ status: 'submitted', submittedAt: at, lateByWorkingDays: 0 })).toEqual({
      kind: 'on-time',
    });
  });

  it('counts on time over owed, waived and cancelled not owed', () => {
    const c = rateCounts([
      { kind: 'on-time' },
      { kind: 'on-time' },
      { kind: 'late', days: 1 },
      { kind: 'late', days: 4 },
      { kind: 'missing' },
      { kind: 'waived' },
      { kind: 'cancelled' },
    ]);
    expect(c).toEqual({
      assigned: 7,
      owed: 5,
      onTime: 2,
      late: 2,
      missing: 1,
      waived: 1,
      cancelled: 1,
      rate: 0.4,
      averageLateDays: 2.5,
    });
    expect(rateCounts([{ kind: 'waived' }])).toMatchObject({ owed: 0, rate: null, averageLateDays: null });
    expect(rateCounts([])).toMatchObject({ assigned: 0, rate: null });
  });

  it('labels the cells in both languages', () => {
    expect(outcomeLabel({ kind: 'late', days: 3 }, 'vi')).toBe('Muộn 3 ngày');
    expect(outcomeLabel({ kind: 'missing' }, 'vi')).toBe('Chưa gửi');
    expect(outcomeLabel({ kind: 'waived' }, 'en')).toBe('Waived');
    expect(outcomeLabel(null, 'vi')).toBe('–');
  });

  it('finds the place in the issuer', () => {
    expect(placeOf('Ủy ban nhân dân tỉnh Điện Biên')).toBe('Điện Biên');
    expect(placeOf('Ủy ban nhân dân thành phố Hà Nội')).toBe('Hà Nội');
    expect(placeOf('Bộ Văn hóa, Thể thao và Du lịch')).toBe('');
  });
});
