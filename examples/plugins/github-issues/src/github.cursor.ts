/**
 * Where reading resumes, per list. GitHub filters with `since` on `updated_at`, at second
 * resolution, and may return the items updated exactly at `since` again: `seen` holds the ids
 * already handled at that second so they are skipped, and nothing updated in the same second
 * is lost.
 */
export interface ListCursor {
  /** ISO 8601 (`YYYY-MM-DDTHH:MM:SSZ`): the `updated_at` of the last item handled. */
  since: string;
  /** Ids of the items handled whose `updated_at` is exactly `since`. */
  seen: string[];
  /** The validator of the first page last read at this `since` (only when it was the only page). */
  etag?: { url: string; value: string };
}

export interface Cursor {
  issues: ListCursor;
  comments: ListCursor;
}

/** The first start reads `lookBackMs` back from the hub's clock. */
export function initialCursor(nowMs: number, lookBackMs: number): Cursor {
  // GitHub documents `since` as YYYY-MM-DDTHH:MM:SSZ: no milliseconds.
  const since = new Date(nowMs - lookBackMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { issues: { since, seen: [] }, comments: { since, seen: [] } };
}

/** Handled already: updated before the cursor, or at its second and listed in `seen`. */
export function isSeen(cursor: ListCursor, updatedAt: string, id: string): boolean {
  const at = Date.parse(updatedAt);
  const since = Date.parse(cursor.since);
  return at < since || (at === since && cursor.seen.includes(id));
}

/** The cursor after handling an item; lists arrive sorted by `updated_at`, oldest first. */
export function advance(cursor: ListCursor, updatedAt: string, id: string): ListCursor {
  const at = Date.parse(updatedAt);
  const since = Date.parse(cursor.since);
  if (at > since) return { since: updatedAt, seen: [id] };
  if (at === since && !cursor.seen.includes(id)) return { ...cursor, seen: [...cursor.seen, id] };
  return cursor;
}

/**
 * Whether something created at `createdAt` was already handed over in an earlier pass, judged
 * against the cursor the pass started from. An item shows up again whenever it changes (an
 * issue with each new comment, a comment when edited), but its creation is a message only
 * once: when it was created after the point reading had reached. On the first start, items
 * created before the look-back window count as handed over: reading starts there.
 */
export function createdEarlier(start: ListCursor, createdAt: string, id: string): boolean {
  const at = Date.parse(createdAt);
  const since = Date.parse(start.since);
  return at < since || (at === since && start.seen.includes(id));
}

export function sameCursor(a: ListCursor, b: ListCursor): boolean {
  return a.since === b.since && a.seen.length === b.seen.length && a.seen.every((id, i) => b.seen[i] === id) && a.etag?.url === b.etag?.url && a.etag?.value === b.etag?.value;
}
