import { existsSync } from 'node:fs';
import { reportFonts } from '../../../src/reports/consolidated/fonts';

describe('PDF fonts', () => {
  it('come from the npm package dejavu-fonts-ttf, with every face present', () => {
    const fonts = reportFonts();
    expect(fonts.source).toBe('npm:dejavu-fonts-ttf');
    for (const path of [fonts.regular, fonts.bold, fonts.italic, fonts.boldItalic]) {
      expect(path).toMatch(
        /node_modules\/dejavu-fonts-ttf\/ttf\/DejaVuSerif(-Bold|-Italic|-BoldItalic)?\.ttf$/,
      );
      expect(existsSync(path)).toBe(true);
    }
  });
});
