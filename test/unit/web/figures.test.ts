import {
  checkFigures,
  parseFigure,
  parseNumber,
  type FigureDefinition,
} from '../../../src/web/agency/figures';

const integer = { type: 'integer', required: true } as const;
const decimal = { type: 'decimal', required: false } as const;
const percent = { type: 'percent', required: false } as const;

describe('figures typed in the portal', () => {
  it('reads plain numbers, the Vietnamese decimal comma and the decimal point', () => {
    expect(parseNumber('12')).toBe(12);
    expect(parseNumber(' 12,5 ')).toBe(12.5);
    expect(parseNumber('12.5')).toBe(12.5);
    expect(parseNumber('0,125')).toBe(0.125);
    expect(parseNumber('1 234')).toBe(1234);
    expect(parseNumber('1 234 567,5')).toBe(1234567.5);
    expect(parseNumber('87,5%', true)).toBe(87.5);
  });

  it('refuses what could be read two ways, and garbage', () => {
    for (const text of ['1.234', '1,234', '1.234,5', '1,234.5', '1.234.567', '1,2,3']) {
      expect([text, parseNumber(text)]).toEqual([text, 'ambiguous']);
    }
    for (const text of ['abc', '12abc', '1e5', '0x10', '+5', '', '12 %', '١٢', '.']) {
      expect([text, parseNumber(text)]).toEqual([text, 'not-a-number']);
    }
    expect(parseNumber('-5')).toBe('negative');
    expect(parseNumber('12%')).toBe('not-a-number');
  });

  it('checks each type: integer whole, decimal ≥ 0, percent 0 to 100; required present', () => {
    expect(parseFigure('12', integer)).toEqual({ value: 12 });
    expect(parseFigure('12,5', integer)).toEqual({ problem: 'not-whole' });
    expect(parseFigure('', integer)).toEqual({ problem: 'required' });
    expect(parseFigure('   ', integer)).toEqual({ problem: 'required' });
    expect(parseFigure(undefined, integer)).toEqual({ problem: 'required' });
    expect(parseFigure('99999999999999999999', integer)).toEqual({ problem: 'too-large' });
    expect(parseFigure('', decimal)).toBeUndefined();
    expect(parseFigure('3,75', decimal)).toEqual({ value: 3.75 });
    expect(parseFigure('-1', decimal)).toEqual({ problem: 'negative' });
    expect(parseFigure('100', percent)).toEqual({ value: 100 });
    expect(parseFigure('0', percent)).toEqual({ value: 0 });
    expect(parseFigure('100,5', percent)).toEqual({ problem: 'over-100' });
    expect(parseFigure('87,5 %', percent)).toEqual({ value: 87.5 });
  });

  it('checks a milestone’s figures together, naming each refused one in the page’s language', () => {
    const defs: FigureDefinition[] = [
      { key: 'events-held', type: 'integer', required: true, label: { vi: 'Số cuộc', en: 'Events' } },
      { key: 'participants', type: 'integer', required: false, label: { vi: 'Số lượt', en: 'Participants' } },
      { key: 'share', type: 'percent', required: false, label: { vi: 'Tỷ lệ', en: 'Share' } },
    ];
    expect(checkFigures(defs, { 'events-held': '12', share: '87,5', other: '5' }, 'vi')).toEqual({
      figures: { 'events-held': 12, share: 87.5 },
      problems: [],
    });
    expect(checkFigures(defs, { participants: '1.234', share: '120' }, 'en')).toEqual({
      figures: {},
      problems: [
        { key: 'events-held', label: 'Events', problem: 'required' },
        { key: 'participants', label: 'Participants', problem: 'ambiguous' },
        { key: 'share', label: 'Share', problem: 'over-100' },
      ],
    });
  });
});
