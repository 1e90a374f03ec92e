import { DateTime } from 'luxon';
import { type CalendarSpec, type Window, WEEKDAYS } from './calendar-spec';

const DAY_MS = 86_400_000;
/** Intervals are generated this far around the first instant asked about, then extended. */
const INITIAL_SPAN_DAYS = 400;

/**
 * Working time of one calendar as sorted, merged epoch-ms intervals with cumulative sums, so
 * adding or measuring business time is two binary searches — no minute-by-minute walk. Local
 * windows are turned into instants by luxon in the calendar's zone, which makes DST right in
 * both directions: a window across a skipped hour is shorter, across a repeated hour longer.
 */
export class BusinessCalendar {
  /** The covered working intervals, sorted and merged; the arrays below are derived from them. */
  private intervals: Array<[number, number]> = [];
  private starts: number[] = [];
  private ends: number[] = [];
  /** Business ms in all intervals before index i. */
  private before: number[] = [];
  private coveredFrom = Number.POSITIVE_INFINITY;
  private coveredTo = Number.NEGATIVE_INFINITY;
  /** Local days turned into intervals so far; what coverage has cost (the benchmark and tests read it). */
  daysGenerated = 0;

  constructor(readonly spec: CalendarSpec) {
    if (!DateTime.local().setZone(spec.timezone).isValid) throw new Error(`unknown time zone "${spec.timezone}"`);
  }

  /** The first working instant at or after `at` (epoch ms). */
  nextWorkingInstant(at: number): number {
    return this.addBusiness(at, 0);
  }

  /** The instant when `businessMs` of working time have passed since `from`. */
  addBusiness(from: number, businessMs: number): number {
    if (businessMs < 0) throw new RangeError('businessMs must not be negative');
    for (let span = INITIAL_SPAN_DAYS; ; span *= 2) {
      this.cover(from, from + span * DAY_MS);
      const target = this.businessBefore(from) + businessMs;
      // Never an interval that ended before `from`: with nothing (left) to add, the answer is
      // the next working instant, not the end of the previous window.
      const i = Math.max(this.firstEndingAfter(from), this.firstIntervalReachingBusiness(target));
      if (i < this.starts.length) return (this.starts[i] as number) + (target - (this.before[i] as number));
      if (span > 40 * 365) throw new Error(`calendar ${this.spec.timezone}: no working time within 40 years`);
    }
  }

  /** Working time between two instants, in ms (0 if `to` is not after `from`). */
  businessBetween(from: number, to: number): number {
    if (to <= from) return 0;
    this.cover(from, to);
    return this.businessBefore(to) - this.businessBefore(from);
  }

  /** The working intervals overlapping [from, to], clipped to it. */
  intervalsBetween(from: number, to: number): Array<[number, number]> {
    this.cover(from, to);
    const out: Array<[number, number]> = [];
    for (let i = this.firstEndingAfter(from); i < this.starts.length && (this.starts[i] as number) < to; i++) {
      out.push([Math.max(from, this.starts[i] as number), Math.min(to, this.ends[i] as number)]);
    }
    return out;
  }

  /** Business ms from the start of coverage up to `at`. */
  private businessBefore(at: number): number {
    const i = this.firstEndingAfter(at);
    if (i >= this.starts.length) return this.total();
    const start = this.starts[i] as number;
    return (this.before[i] as number) + Math.max(0, at - start);
  }

  private total(): number {
    const n = this.starts.length;
    return n === 0 ? 0 : (this.before[n - 1] as number) + ((this.ends[n - 1] as number) - (this.starts[n - 1] as number));
  }

  /** Index of the first interval whose end is after `at`. */
  private firstEndingAfter(at: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.ends[mid] as number) <= at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first interval in which cumulative business time reaches `target`. */
  private firstIntervalReachingBusiness(target: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const endBusiness = (this.before[mid] as number) + ((this.ends[mid] as number) - (this.starts[mid] as number));
      // A target equal to an interval's end belongs to that interval: 09:00 + 60 min of a
      // 09:00–10:00 window is due at 10:00, not at the next morning's opening.
      if (endBusiness < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Makes sure [from, to] is covered. Coverage only ever grows at its edges: the days already
   * generated are never generated again, so an instant far outside costs the days in between
   * once (intake bounds how old a message may be, see intake.maxMessageAge).
   */
  private cover(from: number, to: number): void {
    if (from >= this.coveredFrom && to <= this.coveredTo) return;
    if (this.coveredFrom > this.coveredTo) {
      this.intervals = this.generate(from - 2 * DAY_MS, to + 2 * DAY_MS);
      this.coveredFrom = from - 2 * DAY_MS;
      this.coveredTo = to + 2 * DAY_MS;
    } else {
      const added: Array<[number, number]> = [];
      if (from < this.coveredFrom) {
        added.push(...this.generate(from - 2 * DAY_MS, this.coveredFrom));
        this.coveredFrom = from - 2 * DAY_MS;
      }
      if (to > this.coveredTo) {
        added.push(...this.generate(this.coveredTo, to + 2 * DAY_MS));
        this.coveredTo = to + 2 * DAY_MS;
      }
      // The seams overlap by a day; merging makes the halves of a window one interval again.
      this.intervals = merge([...this.intervals, ...added]);
    }
    this.index();
  }

  /** Working intervals of the days around [from, to], closures taken out. */
  private generate(from: number, to: number): Array<[number, number]> {
    const zone = this.spec.timezone;
    const raw: Array<[number, number]> = [];
    // Start a day early so windows that cross midnight into `from` are included.
    let day = DateTime.fromMillis(from, { zone }).startOf('day').minus({ days: 1 });
    const last = DateTime.fromMillis(to, { zone }).startOf('day');
    while (day <= last) {
      for (const window of this.windowsOn(day)) raw.push(toInstants(day, window));
      day = day.plus({ days: 1 });
      this.daysGenerated++;
    }
    return subtract(merge(raw), merge(this.spec.closures.map(([a, b]) => [a, b] as [number, number])));
  }

  private index(): void {
    this.starts = this.intervals.map(([a]) => a);
    this.ends = this.intervals.map(([, b]) => b);
    this.before = [];
    let sum = 0;
    for (const [a, b] of this.intervals) {
      this.before.push(sum);
      sum += b - a;
    }
  }

  private windowsOn(day: DateTime): Window[] {
    const date = day.toISODate() as string;
    const extra = this.spec.extraWorkingDays.get(date);
    if (extra) return extra;
    if (this.spec.holidayDates.has(date)) return [];
    return this.spec.week[WEEKDAYS[day.weekday - 1] as (typeof WEEKDAYS)[number]] ?? [];
  }
}

function toInstants(day: DateTime, window: Window): [number, number] {
  const start = atLocalMinutes(day, window.start);
  const endDay = window.end <= window.start ? day.plus({ days: 1 }) : day;
  return [start, atLocalMinutes(endDay, window.end)];
}

/** A local wall-clock time on `day`; a time skipped by DST moves forward, like a wall clock. */
function atLocalMinutes(day: DateTime, minutes: number): number {
  if (minutes === 1440) return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 }).toMillis();
}

function merge(intervals: Array<[number, number]>): Array<[number, number]> {
  const sorted = intervals.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const lastInterval = out[out.length - 1];
    if (lastInterval && a <= lastInterval[1]) lastInterval[1] = Math.max(lastInterval[1], b);
    else out.push([a, b]);
  }
  return out;
}

function subtract(base: Array<[number, number]>, cuts: Array<[number, number]>): Array<[number, number]> {
  if (cuts.length === 0) return base;
  const out: Array<[number, number]> = [];
  for (const [a, b] of base) {
    let pieces: Array<[number, number]> = [[a, b]];
    for (const [ca, cb] of cuts) {
      if (cb <= a || ca >= b) continue;
      pieces = pieces.flatMap(([pa, pb]): Array<[number, number]> => {
        if (cb <= pa || ca >= pb) return [[pa, pb]];
        const left: Array<[number, number]> = ca > pa ? [[pa, ca]] : [];
        const right: Array<[number, number]> = cb < pb ? [[cb, pb]] : [];
        return [...left, ...right];
      });
    }
    out.push(...pieces);
  }
  return out;
}
