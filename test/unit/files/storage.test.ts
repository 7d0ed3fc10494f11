import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { downloadName, visibleName, withExtension } from '../../../src/files/names';
import { sanitizeFileName, UploadBatch } from '../../../src/files/storage';
import { fixture, HTML_BYTES, minimalPdf } from '../../fixtures/files/documents';
import { testFiles } from '../../support/files';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Every file under `dir`, relative. */
function tree(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tree(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

describe('the file name a person gives is metadata only', () => {
  it('keeps the last segment, without control characters or "..", trimmed, NFC, at most 255 characters', () => {
    expect(sanitizeFileName('../../etc/passwd.pdf')).toBe('passwd.pdf');
    expect(sanitizeFileName('..\\x.pdf')).toBe('x.pdf');
    expect(sanitizeFileName('C:\\Users\\hà\\Báo cáo.docx')).toBe('Báo cáo.docx');
    expect(sanitizeFileName('  a\u0000b\u001f\nc..pdf  ')).toBe('abc.pdf');
    expect(sanitizeFileName('..')).toBe('');
    expect(sanitizeFileName('/')).toBe('');
    // Decomposed "ế" (e + circumflex + acute) becomes the composed character.
    expect(sanitizeFileName('Ke\u0302\u0301 hoạch.pdf')).toBe('Kế hoạch.pdf');
    const long = sanitizeFileName(`${'x'.repeat(300)}.xlsx`);
    expect(long).toHaveLength(255);
    expect(long.endsWith('.xlsx')).toBe(true);
  });
});

describe('a stored name cannot pass for another file', () => {
  it('drops bidi overrides, isolates, marks and other format characters', () => {
    // "hoso<RLO>fdp.exe" shows as "hosoexe.pdf" in a right-to-left-aware renderer.
    expect(sanitizeFileName('hoso\u202efdp.exe')).toBe('hosofdp.exe');
    expect(sanitizeFileName('a\u200eb\u200fc\u2066d\u2067e\u2068f\u2069g\u202ah\u202ci.pdf')).toBe(
      'abcdefghi.pdf',
    );
    expect(sanitizeFileName('\ufeffz\u200bw\u00adx\u2060.pdf')).toBe('zwx.pdf');
    expect(visibleName('Báo cáo\u202e.pdf')).toBe('Báo cáo.pdf');
  });

  it('ends in the extension of what the content is', () => {
    expect(withExtension('Báo cáo.pdf', 'pdf')).toBe('Báo cáo.pdf');
    expect(withExtension('Báo cáo.PDF', 'pdf')).toBe('Báo cáo.PDF');
    expect(withExtension('Báo cáo.doc', 'docx')).toBe('Báo cáo.docx');
    expect(withExtension('so-lieu.xls', 'xlsx')).toBe('so-lieu.xlsx');
    expect(withExtension('hoso.exe', 'pdf')).toBe('hoso.exe.pdf');
    expect(withExtension('trang.html', 'docx')).toBe('trang.html.docx');
    expect(withExtension('khong-duoi', 'odt')).toBe('khong-duoi.odt');
    const long = withExtension(`${'x'.repeat(252)}.exe`, 'docx');
    expect(long).toHaveLength(255);
    expect(long.endsWith('.docx')).toBe(true);
    // Files stored before these rules are served under the same rules.
    expect(downloadName('hoso\u202efdp.exe', 'ab/ab12.pdf')).toBe('hosofdp.exe.pdf');
    expect(downloadName('', 'ab/ab12.docx')).toBe('tep.docx');
  });

  it('is what the store records for an upload', async () => {
    const files = testFiles();
    try {
      const batch = new UploadBatch(files);
      const pdf = await batch.receive(Readable.from([minimalPdf()]), 'ke-hoach\u202efdp.exe');
      const docx = await batch.receive(Readable.from([fixture('minimal.docx')]), 'bao-cao.doc');
      const odt = await batch.receive(Readable.from([fixture('minimal.odt')]), '\u202e');
      await batch.discard();
      expect('ref' in pdf && pdf.ref.fileName).toBe('ke-hoachfdp.exe.pdf');
      expect('ref' in docx && docx.ref.fileName).toBe('bao-cao.docx');
      expect('ref' in odt && odt.ref.fileName).toMatch(/^[0-9a-f]{12}\.odt$/);
    } finally {
      files.remove();
    }
  });
});

describe('the content-addressed store', () => {
  const files = testFiles({ maxFileBytes: 4096 });
  afterAll(() => files.remove());

  it('stages, checks and stores files under <aa>/<sha256>.<ext>, each content once', async () => {
    const pdf = minimalPdf();
    const docx = fixture('minimal.docx');
    const batch = new UploadBatch(files);
    const a = await batch.receive(Readable.from([pdf]), '../../etc/passwd.pdf');
    const b = await batch.receive(Readable.from([docx]), 'kế hoạch.docx');
    const c = await batch.receive(Readable.from([pdf]), 'again.pdf');
    expect(tree(files.root).filter((f) => !f.startsWith('tmp/'))).toEqual([]);
    const refs = await batch.commit();
    await batch.discard();
    expect(refs).toEqual([
      {
        fileName: 'passwd.pdf',
        contentType: 'application/pdf',
        sizeBytes: pdf.length,
        sha256: sha(pdf),
        storagePath: `${sha(pdf).slice(0, 2)}/${sha(pdf)}.pdf`,
      },
      expect.objectContaining({
        fileName: 'kế hoạch.docx',
        storagePath: `${sha(docx).slice(0, 2)}/${sha(docx)}.docx`,
      }),
      expect.objectContaining({ fileName: 'again.pdf', sha256: sha(pdf) }),
    ]);
    expect([a, b, c].every((x) => 'ref' in x)).toBe(true);
    expect(tree(files.root).sort()).toEqual([refs[0]!.storagePath, refs[1]!.storagePath].sort());
    expect(readFileSync(join(files.root, refs[1]!.storagePath))).toEqual(docx);

    // The same file in a later submission: still one copy.
    const later = new UploadBatch(files);
    await later.receive(Readable.from([pdf]), 'x.pdf');
    await later.commit();
    await later.discard();
    expect(tree(files.root)).toHaveLength(2);
  });

  it('refuses empty, oversized and wrongly typed files, leaving nothing behind', async () => {
    const root = testFiles({ maxFileBytes: 2000 });
    try {
      const batch = new UploadBatch(root);
      expect(await batch.receive(Readable.from([Buffer.alloc(0)]), 'empty.pdf')).toEqual({
        problem: 'empty',
      });
      const big = Buffer.concat([minimalPdf(), Buffer.alloc(2000)]);
      expect(await batch.receive(Readable.from([big]), 'big.pdf')).toEqual({ problem: 'too-big' });
      expect(await batch.receive(Readable.from([HTML_BYTES]), 'page.pdf')).toEqual({
        problem: 'unknown-type',
      });
      expect(await batch.receive(Readable.from([fixture('macro.docm')]), 'm.docx')).toEqual({
        problem: 'macros',
      });
      expect(await batch.receive(Readable.from([fixture('remote-template.docx')]), 'r.docx')).toEqual({
        problem: 'external-links',
      });
      expect(await batch.commit()).toEqual([]);
      await batch.discard();
      expect(tree(root.root)).toEqual([]);
    } finally {
      root.remove();
    }
  });

  it('rolls back the files a refused submission stored, but not those already in use', async () => {
    const root = testFiles();
    try {
      const used = minimalPdf('used');
      const first = new UploadBatch(root);
      await first.receive(Readable.from([used]), 'used.pdf');
      await first.commit();
      await first.discard();
      const batch = new UploadBatch(root);
      await batch.receive(Readable.from([used]), 'used.pdf');
      await batch.receive(Readable.from([minimalPdf('new')]), 'new.pdf');
      const refs = await batch.commit();
      await batch.rollback(async () => false);
      await batch.discard();
      // The first file was there before this batch: kept; the new one is gone.
      expect(tree(root.root)).toEqual([refs[0]!.storagePath]);

      // Two requests with the same new file: one stores it, the other finds it; the first is refused and
      // rolls back before the second's submission is recorded; the second puts its copy back.
      const same = minimalPdf('same');
      const refused = new UploadBatch(root);
      const kept = new UploadBatch(root);
      await refused.receive(Readable.from([same]), 'a.pdf');
      await kept.receive(Readable.from([same]), 'b.pdf');
      const [ref] = await refused.commit();
      await kept.commit();
      await refused.rollback(async () => false);
      await refused.discard();
      expect(tree(root.root)).not.toContain(ref!.storagePath);
      await kept.confirm();
      await kept.discard();
      expect(tree(root.root)).toEqual([refs[0]!.storagePath, ref!.storagePath].sort());
      expect(readFileSync(join(root.root, ref!.storagePath))).toEqual(same);
    } finally {
      root.remove();
    }
  });
});
