import { ConfigError } from './env-error';
import { ServiceUnreachableError } from './unreachable';
import { DatabaseConfigError } from '../db/config';
import { DatabaseUnavailableError, MigrationError } from '../db/errors';

/**
 * What a process prints when it cannot go on. Errors a person can act on (a bad setting, a service that
 * cannot be reached, a database that is not migrated) are shown as their message alone; anything else is
 * a bug, shown with its stack.
 */
export function describeFatal(err: unknown): string {
  if (
    err instanceof ConfigError ||
    err instanceof ServiceUnreachableError ||
    err instanceof DatabaseConfigError ||
    err instanceof DatabaseUnavailableError ||
    err instanceof MigrationError
  ) {
    return err.message;
  }
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
