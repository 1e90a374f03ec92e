import { setTimeout as delay } from 'node:timers/promises';

/** The outcome of a promise, read without awaiting it. */
export type Settled<T> = { state: 'resolved'; value: T } | { state: 'rejected'; error: unknown } | { state: 'pending' };

/**
 * A promise whose outcome can be looked at any time. Handlers are attached at once, so a
 * connector call that rejects after the kit stopped waiting for it is never reported as an
 * unhandled rejection in the author's test run.
 */
export interface Tracked<T> {
  readonly settled: Promise<Settled<T>>;
  current(): Settled<T>;
}

export function track<T>(work: Promise<T>): Tracked<T> {
  let current: Settled<T> = { state: 'pending' };
  const settled = work.then(
    (value): Settled<T> => (current = { state: 'resolved', value }),
    (error: unknown): Settled<T> => (current = { state: 'rejected', error }),
  );
  return { settled, current: () => current };
}

/**
 * Calls connector code that may throw synchronously (a non-async method) and hands back a
 * promise either way, rejected with exactly what was thrown. `work` runs at once, not a tick later.
 */
export async function attempt<T>(work: () => T | Promise<T>): Promise<T> {
  return await work();
}

/** Waits at most `ms` of real time; `pending` when the work has not settled by then. */
export async function settleWithin<T>(work: Promise<T> | Tracked<T>, ms: number): Promise<Settled<T>> {
  const tracked = isTracked(work) ? work : track(work);
  const controller = new AbortController();
  const timeout = delay(ms, undefined, { signal: controller.signal }).then(
    () => tracked.current(),
    () => tracked.current(),
  );
  try {
    return await Promise.race([tracked.settled, timeout]);
  } finally {
    controller.abort();
  }
}

function isTracked<T>(value: Promise<T> | Tracked<T>): value is Tracked<T> {
  return typeof (value as Partial<Tracked<T>>).current === 'function';
}

/** Real-time pause: the kit's own waits are in wall-clock time, never on the connector's clock. */
export function pause(ms: number): Promise<void> {
  return delay(ms);
}

/**
 * Polls `condition` every few ms of real time. Polling (rather than events) keeps every fake
 * free of listener bookkeeping and also works for conditions outside the kit (a source's count).
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (performance.now() >= deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await delay(5);
  }
}

/** The message of anything thrown, for a check's detail. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
