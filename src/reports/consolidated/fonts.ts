// The TrueType fonts the PDF is drawn with. Decree 30/2020/NĐ-CP asks for Times New Roman, which cannot be
// shipped (its licence is Microsoft's); Liberation Serif (SIL Open Font License 1.1, Debian's
// fonts-liberation2, installed by scripts/setup) has Times New Roman's metrics and every Vietnamese letter,
// so the PDF's lines and pages fall as the DOCX's do in Word. Failing that, DejaVu Serif (full Vietnamese
// coverage, wider) from the npm package dejavu-fonts-ttf, else from Debian's fonts-dejavu-core.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ReportFonts {
  regular: string;
  bold: string;
  italic: string;
  boldItalic: string;
  /** Where they were found (Liberation Serif has Times New Roman's metrics; DejaVu Serif is wider). */
  source: 'debian:fonts-liberation2' | 'npm:dejavu-fonts-ttf' | 'debian:fonts-dejavu';
}

interface Family {
  regular: string;
  bold: string;
  italic: string;
  boldItalic: string;
}

const LIBERATION: Family = {
  regular: 'LiberationSerif-Regular.ttf',
  bold: 'LiberationSerif-Bold.ttf',
  italic: 'LiberationSerif-Italic.ttf',
  boldItalic: 'LiberationSerif-BoldItalic.ttf',
};

const DEJAVU: Family = {
  regular: 'DejaVuSerif.ttf',
  bold: 'DejaVuSerif-Bold.ttf',
  italic: 'DejaVuSerif-Italic.ttf',
  boldItalic: 'DejaVuSerif-BoldItalic.ttf',
};

const LIBERATION_DIR = '/usr/share/fonts/truetype/liberation2';
const DEJAVU_DIR = '/usr/share/fonts/truetype/dejavu';

function packageDir(): string | null {
  try {
    return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  } catch {
    return null;
  }
}

/** The fonts, or an error that says what to install. `dirs` replaces where they are looked for (tests). */
export function reportFonts(
  dirs: { liberation?: string | null; dejavuPackage?: string | null; dejavu?: string | null } = {},
): ReportFonts {
  const candidates: [string | null, Family, ReportFonts['source']][] = [
    [
      dirs.liberation === undefined ? LIBERATION_DIR : dirs.liberation,
      LIBERATION,
      'debian:fonts-liberation2',
    ],
    [dirs.dejavuPackage === undefined ? packageDir() : dirs.dejavuPackage, DEJAVU, 'npm:dejavu-fonts-ttf'],
    [dirs.dejavu === undefined ? DEJAVU_DIR : dirs.dejavu, DEJAVU, 'debian:fonts-dejavu'],
  ];
  for (const [dir, family, source] of candidates) {
    if (!dir || !existsSync(join(dir, family.regular)) || !existsSync(join(dir, family.bold))) continue;
    const pick = (file: string, fallback: string) =>
      existsSync(join(dir, file)) ? join(dir, file) : fallback;
    const regular = join(dir, family.regular);
    const bold = join(dir, family.bold);
    return {
      regular,
      bold,
      italic: pick(family.italic, regular),
      boldItalic: pick(family.boldItalic, bold),
      source,
    };
  }
  throw new Error(
    `No font with Vietnamese glyphs for the PDF report: neither Liberation Serif in ${LIBERATION_DIR} ` +
      `(\`apt-get install fonts-liberation2\`) nor DejaVu Serif in the npm package dejavu-fonts-ttf (run \`npm ci\`) ` +
      `or ${DEJAVU_DIR} was found.`,
  );
}
