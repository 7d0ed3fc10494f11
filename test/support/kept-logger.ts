import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';

/** One line a Temporal `Logger` was given. */
export interface KeptLine {
  level: LogLevel;
  message: string;
  meta: LogMetadata;
}

/** A Temporal `Logger` that keeps every line, as a worker or an activity context would log it. */
export class KeptLogger implements Logger {
  lines: KeptLine[] = [];
  log(level: LogLevel, message: string, meta: LogMetadata = {}) {
    this.lines.push({ level, message, meta });
  }
  trace = (m: string, a?: LogMetadata) => this.log('TRACE', m, a);
  debug = (m: string, a?: LogMetadata) => this.log('DEBUG', m, a);
  info = (m: string, a?: LogMetadata) => this.log('INFO', m, a);
  warn = (m: string, a?: LogMetadata) => this.log('WARN', m, a);
  error = (m: string, a?: LogMetadata) => this.log('ERROR', m, a);

  /** The lines whose message is one of `messages`, in order. */
  matching(messages: ReadonlySet<string>): KeptLine[] {
    return this.lines.filter((l) => messages.has(l.message));
  }

  /** The first line with `message`, waiting up to `ms` for it; fails listing what was logged. */
  async waitFor(message: string, ms: number): Promise<KeptLine> {
    const until = Date.now() + ms;
    for (;;) {
      const found = this.lines.find((l) => l.message === message);
      if (found) return found;
      if (Date.now() > until) {
        throw new Error(`no "${message}" line in ${ms} ms; logged: ${JSON.stringify(this.lines)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
