import { summarize, type LatencySummary } from './stats';
import { type LoadEvent } from './workload';

export interface ScheduleRun {
  /** performance.now() of the phase start (event.at is relative to it). */
  startedAt: number;
  /** How late each event was sent against its due time: the load generator's own lag. */
  sendLagMs: LatencySummary;
  /** First to last send. */
  sendSpanMs: number;
}

/**
 * Open loop: event i is sent at start + events[i].at whether or not earlier ones were handled,
 * from a timer loop (setTimeout ticks of >= 1 ms, no busy spin); `send` must not block. Events
 * due at the same instant (a burst) go out in one synchronous run.
 */
export function runSchedule(events: readonly LoadEvent[], send: (index: number) => void): Promise<ScheduleRun> {
  const lag = new Float64Array(events.length);
  const startedAt = performance.now();
  let first = 0;
  let last = 0;
  return new Promise((resolve) => {
    let next = 0;
    const tick = () => {
      for (let event = events[next]; event !== undefined; event = events[next]) {
        const now = performance.now();
        const due = startedAt + event.at;
        if (due > now) break;
        lag[next] = now - due;
        if (next === 0) first = now;
        last = now;
        send(next++);
      }
      const upcoming = events[next];
      if (upcoming === undefined) {
        resolve({ startedAt, sendLagMs: summarize(lag), sendSpanMs: last - first });
        return;
      }
      const wait = startedAt + upcoming.at - performance.now();
      if (wait <= 0) setImmediate(tick);
      else setTimeout(tick, Math.max(1, Math.floor(wait)));
    };
    tick();
  });
}
