/**
 * Edit distance with adjacent transpositions counted as one edit (optimal string alignment),
 * so `reprot` is one step from `report`, as a typing slip is.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The known word the user most likely meant, or undefined when none is close: a unique known
 * word that starts with what was typed (`--conv` → `--conversation`), else the nearest one
 * within a few edits (more for longer words, one for three letters or fewer).
 */
export function nearest(word: string, known: readonly string[]): string | undefined {
  const typed = word.toLowerCase();
  if (typed.length >= 3) {
    const prefixed = known.filter((k) => k.toLowerCase().startsWith(typed));
    if (prefixed.length === 1) return prefixed[0];
  }
  const limit = typed.length <= 3 ? 1 : Math.max(2, Math.floor(typed.length / 3));
  let best: { word: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(typed, candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { word: candidate, distance };
  }
  return best?.word;
}
