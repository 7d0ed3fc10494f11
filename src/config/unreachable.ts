/**
 * A service the process depends on (Temporal, SMTP, the database) could not be reached. The message says
 * which one, where we looked, what went wrong and how to fix it, so a person never has to read a stack trace.
 */
export class ServiceUnreachableError extends Error {
  constructor(
    readonly service: 'Temporal' | 'SMTP' | 'database',
    readonly where: string,
    readonly reason: string,
    readonly fix: string,
  ) {
    super(`Cannot reach ${service} at ${where}: ${reason}\n  How to fix: ${fix}`);
    this.name = 'ServiceUnreachableError';
  }
}

/** The most useful line of a low-level error (gRPC and socket errors carry long, nested messages). */
export function shortReason(err: unknown): string {
  const e = err as { code?: string | number; message?: string; cause?: unknown };
  const parts: string[] = [];
  if (e?.message) parts.push(e.message.split('\n')[0]!.trim());
  if (e?.code !== undefined && !String(e.message ?? '').includes(String(e.code))) parts.push(`(${e.code})`);
  if (e?.cause) parts.push(`caused by: ${shortReason(e.cause)}`);
  return parts.join(' ') || String(err);
}
