// Errors no route handles itself: told apart so a database that cannot be reached (stopped, restarting,
// its network cut, SQLite locked) answers "try again" (503 with Retry-After) and anything else a plain
// error page, never a stack trace or Fastify's JSON. Nothing is written on these paths: the routes read
// before they write, and their writes are single transactions or workflow Updates.

/** Prisma's codes for a database it cannot reach or that dropped the connection. */
const UNREACHABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const UNREACHABLE_TEXT =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Connection terminated|connection (?:is )?closed|Can't reach database|server closed the connection|terminating connection|the database system is (?:starting up|shutting down)|Timed out fetching a new connection|database is locked|SQLITE_BUSY|SQLITE_CANTOPEN|unable to open database/i;

/** Seconds the client is asked to wait before trying again. */
export const RETRY_AFTER_SECONDS = 30;

/** True when `err` (or an error it wraps) says the database cannot be reached right now. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; errorCode?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === 'string' && (UNREACHABLE_CODES.has(e.code) || UNREACHABLE_TEXT.test(e.code))) {
      return true;
    }
    if (typeof e.errorCode === 'string' && UNREACHABLE_CODES.has(e.errorCode)) return true;
    if (typeof e.message === 'string' && UNREACHABLE_TEXT.test(e.message)) return true;
    current = e.cause;
  }
  return false;
}
