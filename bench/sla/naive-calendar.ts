import { DateTime } from 'luxon';
import { type CalendarSpec, type Window, WEEKDAYS } from '../../src/core/sla/calendar-spec';

export const MINUTE_MS = 60_000;
/** A calendar with no working minute in this long is treated as broken rather than walked forever. */
const MAX_STEPS = 60 * 24 * 400;

/**
 * The obvious implementation the interval calendar is measured against: walk one minute at a
 * time, asking luxon for the local date and time of each minute in the calendar's zone and
 * checking it against that day's windows (and the previous day's windows running past
 * midnight), holidays, extra working days and timed closures. Inputs must be whole minutes;
 * every window edge in the benchmark's calendars is, so a minute is either in or out.
 */
export class NaiveCalendar {
  private readonly overnightEndMax: number;

  constructor(private readonly spec: CalendarSpec) {
    const windows = [...Object.values(spec.week), ...spec.extraWorkingDays.values()].flat();
    this.overnightEndMax = Math.max(0, ...windows.filter((w) => w.end <= w.start).map((w) => w.end));
  }

  /** The instant when `minutes` working minutes have passed since `from` (a whole minute). */
  addBusiness(from: number, minutes: number): number {
    let t = from;
    let steps = 0;
    if (minutes === 0) {
      while (!this.isWorkingMinute(t)) t = this.step(t, ++steps);
      return t;
    }
    let left = minutes;
    while (left > 0) {
      if (this.isWorkingMinute(t)) left--;
      t = this.step(t, ++steps);
    }
    return t;
  }

  /** Working time in [from, to), in ms. */
  businessBetween(from: number, to: number): number {
    let count = 0;
    for (let t = from; t < to; t += MINUTE_MS) if (this.isWorkingMinute(t)) count++;
    return count * MINUTE_MS;
  }

  /** Whether the minute starting at `t` is working time. */
  isWorkingMinute(t: number): boolean {
    for (const [a, b] of this.spec.closures) if (t >= a && t < b) return false;
    const local = DateTime.fromMillis(t, { zone: this.spec.timezone });
    const minute = local.hour * 60 + local.minute;
    for (const w of this.windowsOn(local)) {
      if (w.end > w.start ? minute >= w.start && minute < w.end : minute >= w.start) return true;
    }
    if (minute >= this.overnightEndMax) return false;
    // Yesterday's windows that run past midnight.
    for (const w of this.windowsOn(local.minus({ days: 1 }))) {
      if (w.end <= w.start && minute < w.end) return true;
    }
    return false;
  }

  private windowsOn(day: DateTime): Window[] {
    const date = day.toISODate() as string;
    const extra = this.spec.extraWorkingDays.get(date);
    if (extra) return extra;
    if (this.spec.holidayDates.has(date)) return [];
    return this.spec.week[WEEKDAYS[day.weekday - 1] as (typeof WEEKDAYS)[number]] ?? [];
  }

  private step(t: number, steps: number): number {
    if (steps > MAX_STEPS) throw new Error(`calendar ${this.spec.timezone}: no working time within ${MAX_STEPS} minutes`);
    return t + MINUTE_MS;
  }
}
