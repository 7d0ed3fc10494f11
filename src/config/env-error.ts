/**
 * An error in the process environment that a person can fix: it names the variable, shows the value it
 * got (secrets masked) and says what is accepted.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** Masks the password of a URL-like value so that it can be shown in an error or a log line. */
export function maskSecret(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return value.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
  }
}
