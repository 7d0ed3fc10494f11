// The TrueType fonts the PDF is drawn with: DejaVu Serif (full Vietnamese coverage), from the npm package
// dejavu-fonts-ttf (installed with the project, so no system font is needed), else from Debian's
// fonts-dejavu-core / fonts-dejavu-extra.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ReportFonts {
  regular: string;
  bold: string;
  italic: string;
  boldItalic: string;
  /** Where they were found. */
  source: 'npm:dejavu-fonts-ttf' | 'debian:fonts-dejavu';
}

const FILES = {
  regular: 'DejaVuSerif.ttf',
  bold: 'DejaVuSerif-Bold.ttf',
  italic: 'DejaVuSerif-Italic.ttf',
  boldItalic: 'DejaVuSerif-BoldItalic.ttf',
} as const;

const DEBIAN_DIR = '/usr/share/fonts/truetype/dejavu';

function packageDir(): string | null {
  try {
    return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  } catch {
    return null;
  }
}

/** The fonts, or an error that says what to install. */
export function reportFonts(): ReportFonts {
  const candidates: [string | null, ReportFonts['source']][] = [
    [packageDir(), 'npm:dejavu-fonts-ttf'],
    [DEBIAN_DIR, 'debian:fonts-dejavu'],
  ];
  for (const [dir, source] of candidates) {
    if (!dir || !existsSync(join(dir, FILES.regular)) || !existsSync(join(dir, FILES.bold))) continue;
    const pick = (file: string, fallback: string) =>
      existsSync(join(dir, file)) ? join(dir, file) : fallback;
    const regular = join(dir, FILES.regular);
    const bold = join(dir, FILES.bold);
    return {
      regular,
      bold,
      italic: pick(FILES.italic, regular),
      boldItalic: pick(FILES.boldItalic, bold),
      source,
    };
  }
  throw new Error(
    `No font with Vietnamese glyphs for the PDF report: ${FILES.regular} and ${FILES.bold} were found neither in ` +
      `the npm package dejavu-fonts-ttf (run \`npm ci\`) nor in ${DEBIAN_DIR} (\`apt-get install fonts-dejavu-core\`).`,
  );
}
