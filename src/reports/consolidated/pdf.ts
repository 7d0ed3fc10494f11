// The consolidated report as PDF (pdfkit, Liberation Serif: Times New Roman's metrics, every Vietnamese
// letter; see fonts.ts): the same layout as the DOCX (layout.ts), on A4 with the Decree 30 margins and page
// numbers at the top from page 2.
import PDFDocument from 'pdfkit';
import { svgToPng } from '../charts/png';
import type { Chart } from '../charts/svg';
import { reportFileName, type RenderedFile } from './files';
import { cellWords, fitColumns } from './columns';
import { reportFonts } from './fonts';
import { layoutReport, type Block, type TableRow } from './layout';
import type { ConsolidatedReport } from './types';

const MM = 72 / 25.4;
const MARGINS = { top: 20 * MM, bottom: 20 * MM, left: 30 * MM, right: 15 * MM };
// The header's lines fit their column at 10 pt even in DejaVu Serif (wider than Times New Roman).
const SIZE = { body: 12.5, table: 10, small: 9, header: 10 };
const PAD = 3;
// Tables shrink to this size, at the least, before a word is broken inside (tableGeometry).
const MIN_SIZE = 7;
// Room for rounding in pdfkit's line wrapper, so a word exactly as wide as its column stays whole.
const SLACK = 0.5;

type Doc = PDFKit.PDFDocument;
type Face = 'regular' | 'bold' | 'italic' | 'boldItalic';

function face(bold?: boolean, italic?: boolean): Face {
  return bold ? (italic ? 'boldItalic' : 'bold') : italic ? 'italic' : 'regular';
}

function textWidth(doc: Doc): number {
  return doc.page.width - MARGINS.left - MARGINS.right;
}

function bottom(doc: Doc): number {
  return doc.page.height - MARGINS.bottom;
}

function centred(doc: Doc, text: string, size: number, f: Face, x = MARGINS.left, width = textWidth(doc)) {
  doc.font(f).fontSize(size).text(text, x, doc.y, { width, align: 'center' });
}

type Table = Extract<Block, { type: 'table' }>;

/** How wide column i must be at `size` so no line breaks inside a word (or, `wholeHeaders`, a header). */
function minimumWidths(doc: Doc, block: Table, size: number, wholeHeaders: boolean): number[] {
  const widest = (texts: string[], bold: boolean) =>
    Math.max(0, ...texts.map((t) => doc.font(face(bold)).fontSize(size).widthOfString(t)));
  // pdfkit's line wrapper measures a word with the space after it, and cuts it when that is too wide.
  const spaced = (text: string) => cellWords(text).map((word) => `${word} `);
  return block.headers.map(
    (header, i) =>
      Math.max(
        widest(wholeHeaders ? [header] : spaced(header), true),
        ...block.rows.map((row) => widest(spaced(row.cells[i] ?? ''), row.bold === true)),
      ) +
      2 * PAD +
      SLACK,
  );
}

/**
 * The type size and column widths of a table: the largest size, from the nominal one down to MIN_SIZE,
 * at which every word fits its column (whole headers on one line if they can be at that size).
 */
function tableGeometry(doc: Doc, block: Table): { size: number; widths: number[] } {
  const width = textWidth(doc);
  const nominal = block.small ? SIZE.small : SIZE.table;
  for (let size = nominal; size >= MIN_SIZE; size -= 0.5) {
    for (const wholeHeaders of [true, false]) {
      const widths = fitColumns(block.widths, minimumWidths(doc, block, size, wholeHeaders), width);
      if (widths) return { size, widths };
    }
  }
  // A word wider than its column even at MIN_SIZE (a table of very many columns): the columns keep their
  // relative widths and pdfkit breaks that word inside, the only way it fits on the page.
  const total = block.widths.reduce((a, b) => a + b, 0);
  return { size: MIN_SIZE, widths: block.widths.map((w) => (w / total) * width) };
}

function drawTable(doc: Doc, block: Table) {
  const { size, widths } = tableGeometry(doc, block);
  const heightOf = (row: TableRow, header: boolean) =>
    Math.max(
      ...row.cells.map((text, i) =>
        doc
          .font(face(header || row.bold))
          .fontSize(size)
          .heightOfString(text || ' ', { width: (widths[i] ?? 0) - 2 * PAD }),
      ),
    ) +
    2 * PAD;
  const drawRow = (row: TableRow, header: boolean) => {
    const height = heightOf(row, header);
    let x = MARGINS.left;
    const y = doc.y;
    row.cells.forEach((text, i) => {
      const w = widths[i] ?? 0;
      doc.rect(x, y, w, height).lineWidth(0.5).stroke();
      doc
        .font(face(header || row.bold))
        .fontSize(size)
        .text(text, x + PAD, y + PAD, {
          width: w - 2 * PAD,
          align: header || block.centred.includes(i) ? 'center' : 'left',
        });
      x += w;
    });
    doc.x = MARGINS.left;
    doc.y = y + height;
  };
  const header: TableRow = { cells: block.headers };
  if (doc.y + heightOf(header, true) + heightOf(block.rows[0] ?? header, false) > bottom(doc)) doc.addPage();
  drawRow(header, true);
  for (const row of block.rows) {
    if (doc.y + heightOf(row, false) > bottom(doc)) {
      doc.addPage();
      drawRow(header, true);
    }
    drawRow(row, false);
  }
  doc.moveDown(0.5);
}

/** A chart as a PNG (pdfkit draws no SVG) the width of the text, its title as the caption under it. */
function drawChart(doc: Doc, chart: Chart) {
  const width = textWidth(doc);
  const height = (width * chart.height) / chart.width;
  if (doc.y + height + 2 * SIZE.table > bottom(doc)) doc.addPage();
  const top = doc.y + 4;
  doc.image(svgToPng(chart.svg), MARGINS.left, top, { width, height });
  doc.y = top + height + 2;
  centred(doc, chart.title, SIZE.table, 'italic');
  doc.moveDown(0.5);
}

function drawBlocks(doc: Doc, blocks: readonly Block[]) {
  for (const block of blocks) {
    doc.x = MARGINS.left;
    switch (block.type) {
      case 'heading':
      case 'subheading':
        if (doc.y + 3 * SIZE.body > bottom(doc)) doc.addPage();
        doc
          .font(face(true, block.type === 'subheading'))
          .fontSize(SIZE.body)
          .text(block.text, MARGINS.left, doc.y, { width: textWidth(doc), indent: 10 * MM, paragraphGap: 3 });
        break;
      case 'paragraph':
        doc
          .font(face(false, block.italic))
          .fontSize(SIZE.body)
          .text(block.text, MARGINS.left, doc.y, {
            width: textWidth(doc),
            align: 'justify',
            indent: 10 * MM,
            lineGap: 2,
            paragraphGap: 4,
          });
        break;
      case 'table':
        drawTable(doc, block);
        break;
      case 'chart':
        drawChart(doc, block.chart);
        break;
    }
  }
}

/** Decree 30: the page number centred in the top margin of every page but the first. */
function numberPages(doc: Doc): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start + 1; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const y = MARGINS.top / 2 - SIZE.body / 2;
    doc
      .font('regular')
      .fontSize(SIZE.body)
      .text(String(i - range.start + 1), MARGINS.left, y, {
        width: textWidth(doc),
        align: 'center',
        lineBreak: false,
      });
  }
}

/** The report as a .pdf file. */
export async function renderConsolidatedPdf(report: ConsolidatedReport): Promise<RenderedFile> {
  const layout = layoutReport(report);
  const fonts = reportFonts();
  const doc = new PDFDocument({
    size: 'A4',
    // Kept in memory so the page numbers are written once the number of pages is known.
    bufferPages: true,
    margins: MARGINS,
    info: {
      Title: `${layout.title} ${layout.subtitle}`,
      Author: layout.issuerLines[1],
      Creator: 'phoihop',
      CreationDate: report.generatedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  doc.registerFont('italic', fonts.italic);
  doc.registerFont('boldItalic', fonts.boldItalic);

  // Header: the issuing body (left, 42%) beside the national name and motto (right).
  const width = textWidth(doc);
  const left = width * 0.45;
  const top = doc.y;
  centred(doc, layout.issuerLines[0], SIZE.header, 'regular', MARGINS.left, left);
  centred(doc, layout.issuerLines[1], SIZE.header, 'bold', MARGINS.left, left);
  centred(doc, '———', SIZE.header, 'regular', MARGINS.left, left);
  centred(doc, layout.number, SIZE.header, 'regular', MARGINS.left, left);
  const leftEnd = doc.y;
  doc.y = top;
  const right = MARGINS.left + left;
  centred(doc, layout.nation, SIZE.table, 'bold', right, width - left);
  centred(doc, layout.motto, SIZE.header, 'bold', right, width - left);
  centred(doc, '———————————', SIZE.header, 'regular', right, width - left);
  centred(doc, layout.placeDate, SIZE.header, 'italic', right, width - left);
  doc.y = Math.max(leftEnd, doc.y) + SIZE.body;

  centred(doc, layout.title, SIZE.body + 1, 'bold');
  centred(doc, layout.subtitle, SIZE.body, 'bold');
  centred(doc, '———————', SIZE.body, 'regular');
  doc.moveDown(0.5);
  drawBlocks(doc, layout.body);

  // Recipients (left) and signer (right).
  const closingHeight = (layout.recipients.lines.length + 2) * SIZE.table * 1.4;
  if (doc.y + closingHeight > bottom(doc)) doc.addPage();
  doc.moveDown(1);
  const closingTop = doc.y;
  doc
    .font('boldItalic')
    .fontSize(SIZE.table)
    .text(layout.recipients.heading, MARGINS.left, closingTop, { width: width / 2 });
  for (const l of layout.recipients.lines)
    doc
      .font('regular')
      .fontSize(SIZE.small + 1)
      .text(l, { width: width / 2 });
  doc.y = closingTop;
  centred(doc, layout.signer.title, SIZE.body, 'bold', MARGINS.left + width / 2, width / 2);
  centred(doc, layout.signer.note, SIZE.table, 'italic', MARGINS.left + width / 2, width / 2);
  if (layout.signer.name) {
    doc.moveDown(4);
    centred(doc, layout.signer.name, SIZE.body, 'bold', MARGINS.left + width / 2, width / 2);
  }

  doc.addPage();
  centred(doc, layout.annex.heading, SIZE.body, 'bold');
  centred(doc, layout.annex.of, SIZE.body, 'italic');
  centred(doc, layout.annex.title, SIZE.body, 'bold');
  doc.moveDown(0.5);
  drawBlocks(doc, layout.annex.blocks);
  numberPages(doc);
  doc.end();
  await ended;
  return {
    body: Buffer.concat(chunks),
    fileName: reportFileName(report, 'pdf'),
    contentType: 'application/pdf',
  };
}
