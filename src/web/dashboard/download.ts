// Attachment downloads for dashboard users: the stored file, always as a download, never inline.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';
import { attachmentParam, onProgramOf } from './access';
import type { WebContext } from '../server';
import { downloadName, visibleName } from '../../files/names';
import { READERS } from './auth';
import { DASH } from './i18n';
import { errorPage } from './page';
import type { DashboardApp } from './routes';
import { attachmentParams, invalidPart, langQuery } from './schemas';

/** `Content-Disposition: attachment` with an ASCII fallback name and the UTF-8 name (RFC 5987/6266). */
export function contentDisposition(name: string): string {
  // Without control and format characters (a bidi override could make the saved name read as another).
  const fileName = visibleName(name);
  const ascii =
    fileName
      .normalize('NFD')
      .replace(/\p{Diacritic}/gu, '')
      .replace(/[đ]/g, 'd')
      .replace(/[Đ]/g, 'D')
      .replace(/[^A-Za-z0-9._ -]/g, '_')
      .trim() || 'tep';
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * Where a stored path lives under the storage root, or undefined when it would leave the root (absolute,
 * "..", or a symbolic link pointing out): such a row is refused, never served.
 */
export async function resolveInside(root: string, storagePath: string): Promise<string | undefined> {
  if (!storagePath || isAbsolute(storagePath) || storagePath.includes('\0')) return undefined;
  const base = resolve(root);
  const full = resolve(base, storagePath);
  if (!full.startsWith(base + sep)) return undefined;
  try {
    const [realBase, realFull] = await Promise.all([realpath(base), realpath(full)]);
    if (!realFull.startsWith(realBase + sep)) return undefined;
    return (await stat(realFull)).isFile() ? realFull : undefined;
  } catch {
    return undefined;
  }
}

export function registerDownloadRoute(dash: DashboardApp, ctx: WebContext): void {
  dash.get(
    '/tep/:attachmentId',
    {
      config: { access: onProgramOf(attachmentParam, ...READERS) },
      schema: { params: attachmentParams, querystring: langQuery },
      attachValidation: true,
    },
    async (request, reply) => {
      const w = DASH[request.lang];
      const id = Number(request.params.attachmentId);
      const attachment =
        invalidPart(request) !== 'params' && id > 0
          ? await ctx.deps.db.prisma.attachment.findUnique({ where: { id } })
          : null;
      if (!attachment) return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
      const path = await resolveInside(ctx.deps.files.root, attachment.storagePath);
      if (!path) {
        request.log.warn(
          { attachmentId: id, storagePath: attachment.storagePath },
          'attachment path refused',
        );
        return errorPage(ctx, request, reply, 404, w.notFound, w.notFoundBody);
      }
      return reply
        .header('content-type', 'application/octet-stream')
        .header(
          'content-disposition',
          contentDisposition(downloadName(attachment.fileName, attachment.storagePath)),
        )
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', 'sandbox')
        .header('cache-control', 'private, no-store')
        .header('referrer-policy', 'no-referrer')
        .send(createReadStream(path));
    },
  );
}
