import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sniffBuffer, sniffFile } from '../../../src/files/sniff';
import { EXE_BYTES, fixture, HTML_BYTES, minimalPdf, minimalXlsx } from '../../fixtures/files/documents';

describe('file types are decided by content', () => {
  const dir = mkdtempSync(join(tmpdir(), 'phoihop-sniff-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function both(bytes: Buffer) {
    const path = join(dir, `f-${Math.random()}.pdf`);
    writeFileSync(path, bytes);
    const [fromFile, fromBuffer] = [await sniffFile(path), await sniffBuffer(bytes)];
    expect(fromFile).toEqual(fromBuffer);
    return fromFile;
  }

  it('accepts PDF, DOCX, XLSX and ODT, whatever they are named', async () => {
    expect(await both(minimalPdf())).toEqual({
      ok: true,
      kind: 'pdf',
      contentType: 'application/pdf',
      ext: 'pdf',
    });
    expect(await both(fixture('minimal.docx'))).toMatchObject({ ok: true, kind: 'docx', ext: 'docx' });
    expect(await both(await minimalXlsx())).toMatchObject({
      ok: true,
      kind: 'xlsx',
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    expect(await both(fixture('minimal.odt'))).toMatchObject({
      ok: true,
      kind: 'odt',
      contentType: 'application/vnd.oasis.opendocument.text',
    });
  });

  it('refuses HTML, executables, empty files, plain ZIPs, other ODF types and broken ZIPs', async () => {
    const refused = { ok: false, refusal: 'unknown-type' };
    expect(await both(HTML_BYTES)).toEqual(refused);
    expect(await both(EXE_BYTES)).toEqual(refused);
    expect(await both(Buffer.alloc(0))).toEqual(refused);
    expect(await both(Buffer.from('%PDF'))).toEqual(refused);
    expect(await both(fixture('plain.zip'))).toEqual(refused);
    expect(await both(fixture('fake.odt'))).toEqual(refused);
    // A ZIP's first bytes with nothing behind them.
    expect(await both(fixture('minimal.docx').subarray(0, 200))).toEqual(refused);
  });

  it('refuses an Office file that carries macros (vbaProject.bin)', async () => {
    expect(await both(fixture('macro.docm'))).toEqual({ ok: false, refusal: 'macros' });
  });
});

describe('files that act when opened are refused, each for its reason', () => {
  const cases: [string, string][] = [
    ['excel4-macro.xlsm', 'excel4-macros'],
    ['excel4-renamed.xlsx', 'excel4-macros'],
    ['remote-template.docx', 'external-links'],
    ['external-image.xlsx', 'external-links'],
    ['ole-object.docx', 'embedded-objects'],
    ['activex.docx', 'embedded-objects'],
    ['basic-macro.odt', 'odf-macros'],
    ['script-macro.odt', 'odf-macros'],
    ['pdf-truncated.pdf', 'pdf-damaged'],
    ['pdf-openaction-js.pdf', 'pdf-active'],
    ['pdf-launch.pdf', 'pdf-active'],
    ['pdf-embedded-file.pdf', 'pdf-active'],
    ['pdf-objstm-js.pdf', 'pdf-active'],
  ];
  it.each(cases)('%s: %s', async (name, refusal) => {
    expect(await sniffBuffer(fixture(name))).toEqual({ ok: false, refusal });
  });

  it('reads a file on disk the same way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phoihop-sniff-'));
    try {
      for (const [name, refusal] of cases) {
        const path = join(dir, name);
        writeFileSync(path, fixture(name));
        expect(await sniffFile(path)).toEqual({ ok: false, refusal });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts a web link in a document and the text "/JS" on a page', async () => {
    expect(await sniffBuffer(fixture('hyperlink.docx'))).toMatchObject({ ok: true, kind: 'docx' });
    expect(await sniffBuffer(fixture('pdf-text-js.pdf'))).toMatchObject({ ok: true, kind: 'pdf' });
  });

  it('checks a PDF to its end: a cut file, a missing or wrong startxref are damaged', async () => {
    const good = minimalPdf();
    expect(await sniffBuffer(good)).toMatchObject({ ok: true });
    const text = good.toString('latin1');
    const damaged = { ok: false, refusal: 'pdf-damaged' };
    expect(await sniffBuffer(good.subarray(0, good.length - 8))).toEqual(damaged);
    expect(await sniffBuffer(Buffer.from(text.replace(/startxref\n\d+/, 'startxref\n7'), 'latin1'))).toEqual(
      damaged,
    );
    expect(
      await sniffBuffer(Buffer.from(text.replace(/startxref\n\d+/, 'startxref\n99999'), 'latin1')),
    ).toEqual(damaged);
    expect(await sniffBuffer(Buffer.from('%PDF-1.4\n%%EOF\n'))).toEqual(damaged);
    // Padding after %%EOF, as some writers leave it, is fine.
    expect(await sniffBuffer(Buffer.concat([good, Buffer.alloc(200)]))).toMatchObject({ ok: true });
  });

  it('finds an action named with #xx escapes or added by an incremental update', async () => {
    const good = minimalPdf();
    const xref = /startxref\n(\d+)/.exec(good.toString('latin1'))![1]!;
    const updated = (object: string) =>
      Buffer.concat([good, Buffer.from(`5 0 obj\n${object}\nendobj\nstartxref\n${xref}\n%%EOF\n`, 'latin1')]);
    const active = { ok: false, refusal: 'pdf-active' };
    expect(await sniffBuffer(updated('<< /S /JavaScript /JS (x) >>'))).toEqual(active);
    expect(await sniffBuffer(updated('<< /AA << /O << /S /L#61unch /F (x) >> >> >>'))).toEqual(active);
    expect(await sniffBuffer(updated('<< /Names << /Embedded#46iles 6 0 R >> >>'))).toEqual(active);
    // Names that only begin like an active one are not.
    expect(await sniffBuffer(updated('<< /JSON 1 /Launcher 2 /JavaScripts 3 >>'))).toMatchObject({
      ok: true,
    });
  });
});
