// Civil dates (YYYY-MM-DD) of the directory. Stored as UTC midnight of that date, so that a date means
// the same day whatever the server's time zone.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A civil date from 'YYYY-MM-DD' or a Date (its UTC date part). */
export function civilDate(value: string | Date): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error('Invalid date');
    return value.toISOString().slice(0, 10);
  }
  const match = ISO_DATE.exec(value);
  const date = match ? new Date(`${value}T00:00:00.000Z`) : null;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new Error(`Expected a date written YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** The stored instant of a civil date: UTC midnight. */
export function civilDateToInstant(value: string | Date): Date {
  return new Date(`${civilDate(value)}T00:00:00.000Z`);
}
