import { type BusinessCalendar } from './business-calendar';

/** When a response is due, and the working intervals that made up the business time. */
export interface SlaDue {
  start: number;
  due: number;
  /** Working intervals between start and due, clipped to them (epoch ms). */
  intervals: Array<[number, number]>;
}

/**
 * `replywatch sla due` and the console's runbook "what if": the instant `businessMs` of
 * working time after `start`, with the intervals that count toward it.
 */
export function slaDue(calendar: BusinessCalendar, start: number, businessMs: number): SlaDue {
  const due = calendar.addBusiness(start, businessMs);
  return { start, due, intervals: calendar.intervalsBetween(start, due) };
}

/** A working interval ahead; `open` when it runs on past the span that was looked at. */
export interface WorkingInterval {
  from: number;
  to: number;
  open: boolean;
}

const DAY_MS = 86_400_000;
const FIRST_SPAN_DAYS = 14;
const MAX_SPAN_DAYS = 800;

/**
 * The next `count` working intervals from `at` (the one under way, if any, starting at `at`).
 * Adjacent windows are one interval; a calendar open round the clock gives one open interval.
 */
export function nextWorkingIntervals(calendar: BusinessCalendar, at: number, count: number): WorkingInterval[] {
  for (let span = FIRST_SPAN_DAYS; ; span *= 2) {
    const to = at + span * DAY_MS;
    const found = calendar.intervalsBetween(at, to);
    if (found.length > count || span >= MAX_SPAN_DAYS) {
      return found.slice(0, count).map(([from, end]) => ({ from, to: end, open: end >= to }));
    }
  }
}
