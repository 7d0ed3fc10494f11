// What changed between two program versions, as people read it: one line per changed value, named by its
// path in the program file (milestones by their key, not their position), with the value before and after.
import { canonicalJson } from './canonical-json';
import type { ProgramDefinition } from './types';

export interface ProgramChange {
  /** e.g. `milestones[report-6m].due.after.workingDays`, `templates.request-report.body.vi`. */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  /** The values as short text (JSON for lists and objects); undefined when absent on that side. */
  before?: string;
  after?: string;
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : canonicalJson(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Lists of objects with a unique `key` (milestones, figures) are compared by key. */
function keyed(list: unknown[]): Map<string, unknown> | undefined {
  if (!list.every((item) => isObject(item) && typeof item.key === 'string')) return undefined;
  const map = new Map(list.map((item) => [(item as { key: string }).key, item]));
  return map.size === list.length ? map : undefined;
}

const field = (path: string, key: string) => (path ? `${path}.${key}` : key);

function walk(before: unknown, after: unknown, path: string, out: ProgramChange[]): void {
  if (canonicalJson(before) === canonicalJson(after)) return;
  if (before === undefined) {
    out.push({ path, kind: 'added', after: show(after) });
    return;
  }
  if (after === undefined) {
    out.push({ path, kind: 'removed', before: show(before) });
    return;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const key of keys) walk(before[key], after[key], field(path, key), out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const a = keyed(before);
    const b = keyed(after);
    if (a && b && (a.size > 0 || b.size > 0)) {
      for (const key of new Set([...a.keys(), ...b.keys()]))
        walk(a.get(key), b.get(key), `${path}[${key}]`, out);
      const order = (m: Map<string, unknown>, other: Map<string, unknown>) =>
        [...m.keys()].filter((k) => other.has(k));
      if (order(a, b).join(',') !== order(b, a).join(',')) {
        out.push({
          path: `${path} (order)`,
          kind: 'changed',
          before: [...a.keys()].join(', '),
          after: [...b.keys()].join(', '),
        });
      }
      return;
    }
  }
  out.push({ path, kind: 'changed', before: show(before), after: show(after) });
}

/** The changes from `before` to `after` (validated definitions), in file order. */
export function diffPrograms(before: ProgramDefinition, after: ProgramDefinition): ProgramChange[] {
  const out: ProgramChange[] = [];
  walk(before, after, '', out);
  return out;
}
