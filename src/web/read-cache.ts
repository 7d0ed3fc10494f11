// What every page would otherwise rebuild per request: a program version (immutable once stored, so kept
// for the life of the process, per database) and the working calendar of a cycle's years (rebuilt at most
// once a minute, so an edited holiday file shows within a minute). Rebuilt per request, the two are about
// 15% of a task page's CPU (docs/benchmarks.md, "Portal under load").
import type { Database } from '../db/client';
import { loadProgramVersion, type LoadedProgramVersion } from '../programs/store';
import { buildCalendarData } from '../calendar/load';
import { WorkingCalendar } from '../calendar/working-calendar';
import { yearsTouchedBy } from '../cycle/plan';

const versions = new WeakMap<object, Map<number, Promise<LoadedProgramVersion>>>();

/** The stored program version `id` of this database, loaded once. */
export function cachedProgramVersion(
  db: Pick<Database, 'prisma'>,
  id: number,
): Promise<LoadedProgramVersion> {
  let byId = versions.get(db.prisma);
  if (!byId) versions.set(db.prisma, (byId = new Map()));
  let found = byId.get(id);
  if (!found) {
    found = loadProgramVersion(db, { id });
    found.catch(() => byId.delete(id)); // a failed read is not remembered
    byId.set(id, found);
  }
  return found;
}

const CALENDAR_TTL_MS = 60_000;
const calendars = new Map<string, { at: number; calendar: WorkingCalendar }>();

/** The working calendar covering a cycle year (and its neighbours), from `holidaysDir`. */
export function cachedCycleCalendar(year: number, holidaysDir: string, now = Date.now()): WorkingCalendar {
  const key = `${holidaysDir}\0${year}`;
  const hit = calendars.get(key);
  if (hit && now - hit.at < CALENDAR_TTL_MS) return hit.calendar;
  const calendar = new WorkingCalendar(buildCalendarData(yearsTouchedBy(year), holidaysDir));
  calendars.set(key, { at: now, calendar });
  return calendar;
}
