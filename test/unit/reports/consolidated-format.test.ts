import fc from 'fast-check';
import {
  formatDelta,
  formatFigure,
  formatNumber,
  formatPercent,
  formatSignedPoints,
  percentagePoints,
} from '../../../src/reports/consolidated/format';

describe('Vietnamese and English number formats', () => {
  it('groups thousands with a dot and uses a decimal comma in Vietnamese', () => {
    expect(formatNumber(1234567, 'vi')).toBe('1.234.567');
    expect(formatNumber(1234.56, 'vi', 1)).toBe('1.234,6');
    expect(formatNumber(0.05, 'vi', 1)).toBe('0,1');
    expect(formatNumber(-4.15, 'vi', 1)).toBe('-4,2');
    expect(formatNumber(999, 'vi')).toBe('999');
    expect(formatNumber(1000, 'en')).toBe('1,000');
    expect(formatNumber(86.55, 'en', 1)).toBe('86.6');
  });

  it('writes rates as percentages with one decimal', () => {
    expect(formatPercent(58 / 67, 'vi')).toBe('86,6%');
    expect(formatPercent(58 / 67, 'en')).toBe('86.6%');
    expect(formatPercent(1, 'vi')).toBe('100,0%');
    expect(formatPercent(null, 'vi')).toBe('–');
  });

  it('writes figures without trailing zeros', () => {
    expect(formatFigure(4900, 'vi')).toBe('4.900');
    expect(formatFigure(78.6, 'vi', 1)).toBe('78,6');
    expect(formatFigure(87.5, 'en')).toBe('87.5');
    expect(formatFigure(2.5001, 'vi')).toBe('2,5');
  });

  it('says the change in percentage points in words', () => {
    expect(percentagePoints(58 / 67, 55 / 67)).toBe(4.5);
    expect(formatDelta(4.1, 'vi')).toBe('tăng 4,1 điểm phần trăm');
    expect(formatDelta(-12.5, 'vi')).toBe('giảm 12,5 điểm phần trăm');
    expect(formatDelta(0, 'vi')).toBe('không thay đổi');
    expect(formatDelta(4.1, 'en')).toBe('up 4.1 percentage points');
    expect(formatDelta(-1, 'en')).toBe('down 1.0 percentage point');
    expect(formatSignedPoints(19.6, 'vi')).toBe('+19,6');
    expect(formatSignedPoints(-12.5, 'vi')).toBe('-12,5');
    expect(formatSignedPoints(0, 'vi')).toBe('0,0');
  });

  it('reads back as the number it formats (Vietnamese)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 3 }), (n, decimals) => {
        const value = n / 10 ** decimals;
        const text = formatNumber(value, 'vi', decimals);
        expect(Number(text.replace(/\./g, '').replace(',', '.'))).toBeCloseTo(value, decimals);
        expect(text).toMatch(/^-?\d{1,3}(\.\d{3})*(,\d+)?$/);
      }),
    );
  });
});
