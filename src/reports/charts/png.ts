// A chart's SVG drawn to PNG for the DOCX and the PDF (pdfkit draws no SVG; Word's SVG needs a PNG
// fallback anyway), with resvg (npm @resvg/resvg-js, a prebuilt binary per platform) and the report's own
// font (fonts.ts: Liberation Serif or DejaVu Serif, every Vietnamese letter), no system fonts.
import { Resvg } from '@resvg/resvg-js';
import { reportFonts } from '../consolidated/fonts';

const FAMILY: Record<ReturnType<typeof reportFonts>['source'], string> = {
  'debian:fonts-liberation2': 'Liberation Serif',
  'npm:dejavu-fonts-ttf': 'DejaVu Serif',
  'debian:fonts-dejavu': 'DejaVu Serif',
};

/** The PNG of an SVG at `scale` times its size (2: sharp when printed at the chart's width). */
export function svgToPng(svg: string, scale = 2): Buffer {
  const fonts = reportFonts();
  const family = FAMILY[fonts.source];
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: {
      fontFiles: [fonts.regular, fonts.bold, fonts.italic, fonts.boldItalic],
      loadSystemFonts: false,
      defaultFontFamily: family,
      sansSerifFamily: family,
      serifFamily: family,
    },
  });
  return resvg.render().asPng();
}
