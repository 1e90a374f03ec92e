/**
 * "Did you mean" for a misspelled key or name: the known one closest by edit distance, if it is
 * close enough to be a typo (a third of the length, at least one edit), or one that starts
 * with the other (`duty` for `duty-chat`, as names grow suffixes).
 */
export function closest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of known) {
    const other = candidate.toLowerCase();
    const prefix = Math.min(lower.length, other.length) >= 3 && (other.startsWith(lower) || lower.startsWith(other));
    const distance = other === lower ? 0 : prefix ? 1 : editDistance(lower, other);
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (!best) return undefined;
  return best.distance <= Math.max(1, Math.floor(name.length / 3)) ? best.candidate : undefined;
}

/**
 * The end of an "unknown …" message: the nearest known name, then all of them, so the fix can
 * be read off the error. `noun` is plural (`calendars`, `duty targets`, `keys`).
 */
export function knownNames(name: string, known: readonly string[], noun: string): string {
  if (known.length === 0) return `there are no ${noun} here`;
  const guess = closest(name, known);
  const list = `known ${noun}: ${known.join(', ')}`;
  return guess === undefined ? list : `did you mean "${guess}"? (${list})`;
}

/** Edits between two names, a swap of neighbours counting as one (`prot` → `port`). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => (d[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}
