/**
 * What a process prints when it cannot go on. Errors a person can act on (a bad setting, a service that
 * cannot be reached, a database that is not migrated) are shown as their message alone; anything else is
 * a bug, shown with its stack.
 */
/** Errors whose message says what is wrong and what to do: shown without a stack trace. */
const ACTIONABLE = new Set([
  'ConfigError',
  'ServiceUnreachableError',
  'DatabaseConfigError',
  'DatabaseUnavailableError',
  'MigrationError',
  'UsageError',
  'ProgramValidationError',
  'ProgramVersionIntegrityError',
  'DirectoryError',
  'HolidayFileError',
  'CalendarRangeError',
  'InvalidDateError',
  'TaskLinkError',
]);

export function describeFatal(err: unknown): string {
  if (err instanceof Error && ACTIONABLE.has(err.name)) return err.message;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
