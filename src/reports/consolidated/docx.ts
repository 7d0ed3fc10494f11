// The consolidated report as DOCX (editable, the format offices use), laid out as an administrative
// report under Decree 30/2020/NĐ-CP: Times New Roman, A4 with 30/15/20/20 mm margins, the national name
// and motto beside the issuing body, number and place-date lines, title, sections, the tables, the
// recipients and the signature block, then the compliance table as an annex; page numbers at the top from
// page 2, no "Kính gửi" (a báo cáo names its addressees under "Nơi nhận").
import {
  AlignmentType,
  BorderStyle,
  Document,
  Header,
  ImageRun,
  Packer,
  PageBreak,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
  type ITableCellBorders,
} from 'docx';
import { svgToPng } from '../charts/png';
import type { Chart } from '../charts/svg';
import type { Block, ReportLayout, TableRow as LayoutRow } from './layout';
import { layoutReport } from './layout';
import type { ConsolidatedReport } from './types';
import { reportFileName, type RenderedFile } from './files';

const FONT = 'Times New Roman';
/** A4 in twentieths of a point, and the Decree 30 margins (30 mm left, 15 mm right, 20 mm top and bottom). */
const PAGE = { width: 11906, height: 16838, left: 1701, right: 850, top: 1134, bottom: 1134 };
const TEXT_WIDTH = PAGE.width - PAGE.left - PAGE.right;
/** Sizes in half-points. */
const SIZE = { body: 28, table: 24, small: 22, header: 26 };

const NO_BORDERS: ITableCellBorders = {
  top: { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' },
  bottom: { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' },
  left: { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' },
  right: { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' },
};

interface RunStyle {
  bold?: boolean;
  italic?: boolean;
  size?: number;
}

function line(
  text: string,
  style: RunStyle = {},
  alignment: (typeof AlignmentType)[keyof typeof AlignmentType] = AlignmentType.CENTER,
) {
  return new Paragraph({
    alignment,
    spacing: { before: 0, after: 0 },
    children: [
      new TextRun({
        text,
        font: FONT,
        size: style.size ?? SIZE.header,
        bold: style.bold,
        italics: style.italic,
      }),
    ],
  });
}

function bodyParagraph(text: string, italic = false): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.JUSTIFIED,
    indent: { firstLine: 567 },
    spacing: { before: 60, after: 60, line: 312 },
    children: [new TextRun({ text, font: FONT, size: SIZE.body, italics: italic })],
  });
}

function heading(text: string, sub: boolean): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.LEFT,
    indent: { firstLine: 567 },
    spacing: { before: 120, after: 60 },
    keepNext: true,
    children: [new TextRun({ text, font: FONT, size: SIZE.body, bold: true, italics: sub })],
  });
}

/** Two columns side by side without borders (the header; the recipients and the signer). */
function twoColumns(leftShare: number, left: Paragraph[], right: Paragraph[]): Table {
  const leftWidth = Math.floor(TEXT_WIDTH * leftShare);
  const cell = (width: number, children: Paragraph[]) =>
    new TableCell({ width: { size: width, type: WidthType.DXA }, borders: NO_BORDERS, children });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [leftWidth, TEXT_WIDTH - leftWidth],
    borders: { ...NO_BORDERS, insideHorizontal: NO_BORDERS.top, insideVertical: NO_BORDERS.top },
    rows: [new TableRow({ children: [cell(leftWidth, left), cell(TEXT_WIDTH - leftWidth, right)] })],
  });
}

/** The header: the issuing body (left) beside the national name and motto (right). */
function headerTable(layout: ReportLayout): Table {
  return twoColumns(
    0.42,
    [
      line(layout.issuerLines[0], { size: SIZE.header }),
      line(layout.issuerLines[1], { bold: true, size: SIZE.header }),
      line('———', { size: SIZE.header }),
      line(layout.number, { size: SIZE.header }),
    ],
    [
      line(layout.nation, { bold: true, size: SIZE.table }),
      line(layout.motto, { bold: true, size: SIZE.header }),
      line('———————————', { size: SIZE.header }),
      line(layout.placeDate, { italic: true, size: SIZE.header }),
    ],
  );
}

function dataTable(block: Extract<Block, { type: 'table' }>): Table {
  const total = block.widths.reduce((a, b) => a + b, 0);
  const widths = block.widths.map((w) => Math.floor((w / total) * TEXT_WIDTH));
  const size = block.small ? SIZE.small : SIZE.table;
  const row = (r: LayoutRow, header: boolean) =>
    new TableRow({
      tableHeader: header,
      cantSplit: true,
      children: r.cells.map(
        (text, i) =>
          new TableCell({
            width: { size: widths[i] ?? 0, type: WidthType.DXA },
            verticalAlign: VerticalAlignTable.CENTER,
            margins: { left: 60, right: 60, top: 20, bottom: 20 },
            children: [
              new Paragraph({
                alignment: header || block.centred.includes(i) ? AlignmentType.CENTER : AlignmentType.LEFT,
                children: [new TextRun({ text, font: FONT, size, bold: header || r.bold })],
              }),
            ],
          }),
      ),
    });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    rows: [row({ cells: block.headers }, true), ...block.rows.map((r) => row(r, false))],
  });
}

/** A chart as a PNG picture the width of the text (Word's SVG needs a PNG beside it anyway), its text
 * alternative in the picture's description, and its title as the caption under it. */
function chartParagraphs(chart: Chart): Paragraph[] {
  const width = Math.round((TEXT_WIDTH / 1440) * 96);
  return [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      keepNext: true,
      spacing: { before: 120 },
      children: [
        new ImageRun({
          type: 'png',
          data: svgToPng(chart.svg),
          transformation: { width, height: Math.round((width * chart.height) / chart.width) },
          altText: { name: chart.title, title: chart.title, description: chart.alt },
        }),
      ],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 120 },
      children: [new TextRun({ text: chart.title, font: FONT, size: SIZE.table, italics: true })],
    }),
  ];
}

function blocks(list: readonly Block[]): (Paragraph | Table)[] {
  return list.flatMap((block) => {
    switch (block.type) {
      case 'heading':
        return [heading(block.text, false)];
      case 'subheading':
        return [heading(block.text, true)];
      case 'paragraph':
        return [bodyParagraph(block.text, block.italic)];
      case 'table':
        return [dataTable(block), new Paragraph({ spacing: { after: 60 }, children: [] })];
      case 'chart':
        return chartParagraphs(block.chart);
    }
  });
}

/** The recipients (left, 12 pt) and the signer (right, bold capitals). */
function closingTable(layout: ReportLayout): Table {
  return twoColumns(
    0.5,
    [
      line(layout.recipients.heading, { bold: true, italic: true, size: SIZE.table }, AlignmentType.LEFT),
      ...layout.recipients.lines.map((l) => line(l, { size: SIZE.small }, AlignmentType.LEFT)),
    ],
    [
      line(layout.signer.title, { bold: true, size: SIZE.body }),
      line(layout.signer.note, { italic: true, size: SIZE.table }),
      // Room for the signature and the seal, then the signer's name.
      ...(layout.signer.name
        ? [
            new Paragraph({ spacing: { before: 1200 }, children: [] }),
            line(layout.signer.name, { bold: true, size: SIZE.body }),
          ]
        : []),
    ],
  );
}

/** Decree 30: page numbers centred at the top, from the second page; none on the first. */
function pageNumberHeaders(): { default: Header; first: Header } {
  return {
    default: new Header({
      children: [
        new Paragraph({
          alignment: AlignmentType.CENTER,
          children: [new TextRun({ children: [PageNumber.CURRENT], font: FONT, size: SIZE.body })],
        }),
      ],
    }),
    first: new Header({ children: [] }),
  };
}

/** The report as a .docx file. */
export async function renderConsolidatedDocx(report: ConsolidatedReport): Promise<RenderedFile> {
  const layout = layoutReport(report);
  const document = new Document({
    creator: layout.issuerLines[1],
    title: `${layout.title} ${layout.subtitle}`,
    styles: { default: { document: { run: { font: FONT, size: SIZE.body } } } },
    sections: [
      {
        properties: {
          titlePage: true,
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            margin: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.left, right: PAGE.right },
          },
        },
        headers: pageNumberHeaders(),
        children: [
          headerTable(layout),
          new Paragraph({ spacing: { after: 240 }, children: [] }),
          line(layout.title, { bold: true, size: SIZE.body }),
          line(layout.subtitle, { bold: true, size: SIZE.body }),
          line('———————', { size: SIZE.body }),
          new Paragraph({ spacing: { after: 120 }, children: [] }),
          ...blocks(layout.body),
          new Paragraph({ spacing: { after: 240 }, children: [] }),
          closingTable(layout),
          new Paragraph({ children: [new PageBreak()] }),
          line(layout.annex.heading, { bold: true, size: SIZE.body }),
          line(layout.annex.of, { italic: true, size: SIZE.body }),
          line(layout.annex.title, { bold: true, size: SIZE.body }),
          new Paragraph({ spacing: { after: 120 }, children: [] }),
          ...blocks(layout.annex.blocks),
        ],
      },
    ],
  });
  return {
    body: await Packer.toBuffer(document),
    fileName: reportFileName(report, 'docx'),
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  };
}
