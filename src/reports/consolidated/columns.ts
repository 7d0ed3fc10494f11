// Column widths of a table drawn into a fixed width, so that its cells wrap between words. Pure.

/**
 * Widths for columns of the given relative widths that add up to `total`, where column i is at least
 * `minimum[i]` wide (the widest word it holds, plus padding): a column whose share is too small gets its
 * minimum and the others share what is left, in proportion. Null when the minimums alone exceed `total`.
 */
export function fitColumns(
  relative: readonly number[],
  minimum: readonly number[],
  total: number,
): number[] | null {
  if (minimum.reduce((a, b) => a + b, 0) > total) return null;
  const fixed = new Set<number>();
  for (;;) {
    const free = relative.reduce((sum, r, i) => (fixed.has(i) ? sum : sum + r), 0);
    const left = total - [...fixed].reduce((sum, i) => sum + (minimum[i] ?? 0), 0);
    const widths = relative.map((r, i) =>
      fixed.has(i) ? (minimum[i] ?? 0) : free > 0 ? (r / free) * left : 0,
    );
    const short = widths.flatMap((w, i) => (!fixed.has(i) && w < (minimum[i] ?? 0) ? [i] : []));
    if (short.length === 0) return widths;
    for (const i of short) fixed.add(i);
  }
}

/** The words of a cell: what a line may not break inside. */
export function cellWords(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}
