// The PDF's fonts: Liberation Serif (Times New Roman's metrics, Debian's fonts-liberation2, which
// scripts/setup installs), with a glyph for every letter of Vietnamese; DejaVu Serif when it is missing.
import { existsSync } from 'node:fs';
import * as fontkit from 'fontkit';
import { reportFonts } from '../../../src/reports/consolidated/fonts';

/** Every letter Vietnamese writes, both cases, with the punctuation the report uses. */
const VIETNAMESE =
  'aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ' + '–…“”’%/';

describe('PDF fonts', () => {
  it('are Liberation Serif from fonts-liberation2, with every face present', () => {
    const fonts = reportFonts();
    expect(fonts.source).toBe('debian:fonts-liberation2');
    for (const path of [fonts.regular, fonts.bold, fonts.italic, fonts.boldItalic]) {
      expect(path).toMatch(/\/LiberationSerif-(Regular|Bold|Italic|BoldItalic)\.ttf$/);
      expect(existsSync(path)).toBe(true);
    }
  });

  it('have a glyph for every Vietnamese letter in every face', () => {
    const fonts = reportFonts();
    const letters = [...new Set([...VIETNAMESE, ...VIETNAMESE.toLocaleUpperCase('vi')])];
    for (const path of [fonts.regular, fonts.bold, fonts.italic, fonts.boldItalic]) {
      const font = fontkit.openSync(path) as fontkit.Font;
      expect([path, letters.filter((c) => !font.hasGlyphForCodePoint(c.codePointAt(0)!))]).toEqual([
        path,
        [],
      ]);
    }
  });

  it('fall back to DejaVu Serif from the npm package when Liberation Serif is not installed', () => {
    const fonts = reportFonts({ liberation: '/nonexistent' });
    expect(fonts.source).toBe('npm:dejavu-fonts-ttf');
    expect(fonts.regular).toMatch(/node_modules\/dejavu-fonts-ttf\/ttf\/DejaVuSerif\.ttf$/);
  });

  it('say what to install when no font is found', () => {
    expect(() => reportFonts({ liberation: null, dejavuPackage: null, dejavu: null })).toThrow(
      /apt-get install fonts-liberation2/,
    );
  });
});
