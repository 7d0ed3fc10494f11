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
