// Content-addressed file storage for submission attachments: <root>/<aa>/<sha256>.<ext>.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, mkdir, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FilesConfig } from '../config/files';
import type { AttachmentRef } from '../workflows/obligation-types';
import { sanitizeFileName, withExtension } from './names';
import { sniffFile, type SniffRefusal } from './sniff';

export { sanitizeFileName } from './names';

/** Why one uploaded file is refused. */
export type FileProblem = SniffRefusal | 'empty' | 'too-big';

/** A file received into the temp area, checked, not yet stored. */
export interface StagedFile {
  ref: AttachmentRef;
  tempPath: string;
}

/**
 * Counts and hashes the bytes that pass through. Past `max` bytes it writes nothing more but keeps reading
 * (the source is the multipart parser's stream: destroying it would end the whole form).
 */
class Measure extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  constructor(private readonly max: number) {
    super();
  }
  get tooBig(): boolean {
    return this.size > this.max;
  }
  override _transform(
    chunk: Buffer,
    _enc: BufferEncoding,
    done: (err?: Error | null, data?: Buffer) => void,
  ) {
    this.size += chunk.length;
    if (this.tooBig) return done();
    this.hash.update(chunk);
    done(null, chunk);
  }
}

/**
 * The files of one submission: each is streamed to <root>/tmp while it is hashed and measured, sniffed,
 * and only moved into place by `commit()` once the whole form is valid. `discard()` removes what is left in
 * the temp area (call it in a `finally`).
 */
export class UploadBatch {
  private readonly staged: StagedFile[] = [];
  private readonly temps = new Set<string>();
  /** Files this batch created in the store (not those that were already there). */
  private created: string[] = [];

  constructor(private readonly config: FilesConfig) {}

  private get tmpDir(): string {
    return join(this.config.root, 'tmp');
  }

  /**
   * Receives one upload. `truncated` says the multipart parser stopped at its size limit. Returns the
   * staged file or why it is refused (its temp file is then removed at once).
   */
  async receive(
    stream: Readable,
    declaredName: string,
    truncated: () => boolean = () => false,
  ): Promise<StagedFile | { problem: FileProblem }> {
    await mkdir(this.tmpDir, { recursive: true, mode: 0o700 });
    const tempPath = join(this.tmpDir, `${randomUUID()}.part`);
    this.temps.add(tempPath);
    const measure = new Measure(this.config.maxFileBytes);
    try {
      await pipeline(stream, measure, createWriteStream(tempPath, { flags: 'wx', mode: 0o600 }));
    } catch (err) {
      await this.drop(tempPath);
      throw err;
    }
    if (measure.tooBig || truncated()) {
      await this.drop(tempPath);
      return { problem: 'too-big' };
    }
    if (measure.size === 0) {
      await this.drop(tempPath);
      return { problem: 'empty' };
    }
    const sniffed = await sniffFile(tempPath);
    if (!sniffed.ok) {
      await this.drop(tempPath);
      return { problem: sniffed.refusal };
    }
    const sha256 = measure.hash.digest('hex');
    const file: StagedFile = {
      tempPath,
      ref: {
        // Shown and downloaded under the extension of what the content is, whatever it was named.
        fileName: withExtension(sanitizeFileName(declaredName) || sha256.slice(0, 12), sniffed.ext),
        contentType: sniffed.contentType,
        sizeBytes: measure.size,
        sha256,
        storagePath: `${sha256.slice(0, 2)}/${sha256}.${sniffed.ext}`,
      },
    };
    this.staged.push(file);
    return file;
  }

  /**
   * Puts every staged file into place, atomically and without overwriting: a hard link from the temp file,
   * so a file already stored (the same content) is kept as it is. The temp copies stay until `discard()`,
   * for `confirm()`.
   */
  async commit(): Promise<AttachmentRef[]> {
    for (const file of this.staged) {
      const target = join(this.config.root, file.ref.storagePath);
      await mkdir(join(this.config.root, file.ref.storagePath.slice(0, 2)), { recursive: true, mode: 0o750 });
      if (await place(file.tempPath, target)) this.created.push(target);
    }
    return this.staged.map((f) => f.ref);
  }

  /**
   * After the submission was recorded: every file it refers to is in place (another request's rollback
   * may have removed a copy this batch found already stored before its own submission was recorded).
   */
  async confirm(): Promise<void> {
    for (const file of this.staged) await place(file.tempPath, join(this.config.root, file.ref.storagePath));
  }

  /**
   * Removes the files this batch put into the store (the submission they were for was refused), except
   * those `stillUsed` says some submission refers to.
   */
  async rollback(stillUsed: (storagePath: string) => Promise<boolean>): Promise<void> {
    for (const file of this.staged) {
      const target = join(this.config.root, file.ref.storagePath);
      if (this.created.includes(target) && !(await stillUsed(file.ref.storagePath))) {
        await rm(target, { force: true });
      }
    }
    this.created = [];
  }

  /** Removes whatever is left in the temp area. */
  async discard(): Promise<void> {
    for (const path of [...this.temps]) await this.drop(path);
  }

  private async drop(path: string): Promise<void> {
    await unlink(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    this.temps.delete(path);
  }
}

/** Links `temp` at `target` unless something is there already; true when this call created it. */
async function place(temp: string, target: string): Promise<boolean> {
  try {
    await link(temp, target);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}
