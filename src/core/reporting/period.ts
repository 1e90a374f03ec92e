import { DateTime } from 'luxon';

export interface Period {
  from: Date;
  /** Exclusive. */
  to: Date;
  label: string;
  /** The IANA zone its days were counted in. */
  timezone: string;
}

/** How every view of a report states its period: the zone, and from/to with that zone's offset. */
export interface PeriodHeading {
  period: string;
  timezone: string;
  from: string;
  /** Exclusive. */
  to: string;
}

export class PeriodError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeriodError';
  }
}

const MAX_YEARS = 5;

/**
 * Reads the periods people ask for: `2026-10-01 2026-12-31` (dates inclusive), `last-month`,
 * `this-month` (month to date), `q3` (this year), `2026-Q3`, in the given time zone.
 */
export function parsePeriod(words: readonly string[], zone: string, now: number): Period {
  return { ...parseRange(words, zone, now), timezone: zone };
}

/** `2026-11-01T00:00:00.000+03:00`: an instant as a reader in `zone` sees it. */
export function zonedIso(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISO() ?? at.toISOString();
}

export function periodHeading(period: Period): PeriodHeading {
  return { period: period.label, timezone: period.timezone, from: zonedIso(period.from, period.timezone), to: zonedIso(period.to, period.timezone) };
}

function parseRange(words: readonly string[], zone: string, now: number): Omit<Period, 'timezone'> {
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  const [first, second] = words.map((w) => w.trim().toLowerCase());
  if (!first) throw new PeriodError('expected a period: FROM TO (dates), this-month, last-month, last-quarter, last-week, yesterday, q1..q4 or YYYY-Qn');
  if (words.length === 1) return named(first, today);
  if (words.length !== 2 || !second) throw new PeriodError('expected two dates, FROM and TO');
  const from = DateTime.fromISO(first, { zone });
  const to = DateTime.fromISO(second, { zone });
  if (!from.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(first)) throw new PeriodError(`"${first}" is not a date (YYYY-MM-DD)`);
  if (!to.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(second)) throw new PeriodError(`"${second}" is not a date (YYYY-MM-DD)`);
  if (to < from) throw new PeriodError('the period ends before it starts');
  return checked(from, to.plus({ days: 1 }), `${first} – ${second}`);
}

function named(word: string, today: DateTime): Omit<Period, 'timezone'> {
  if (word === 'this-month') return checked(today.startOf('month'), today.plus({ days: 1 }), today.toFormat('LLLL yyyy') + ' to date');
  if (word === 'last-month') {
    const start = today.startOf('month').minus({ months: 1 });
    return checked(start, start.plus({ months: 1 }), start.toFormat('LLLL yyyy'));
  }
  if (word === 'last-quarter') {
    const start = today.startOf('quarter').minus({ months: 3 });
    return checked(start, start.plus({ months: 3 }), `${start.year}-Q${start.quarter}`);
  }
  if (word === 'yesterday') {
    const start = today.minus({ days: 1 });
    return checked(start, today, start.toISODate() ?? 'yesterday');
  }
  if (word === 'last-week') {
    const start = today.startOf('week').minus({ weeks: 1 });
    return checked(start, start.plus({ weeks: 1 }), `week of ${start.toISODate() ?? ''}`);
  }
  if (word === 'last-7-days') return checked(today.minus({ days: 7 }), today, `7 days to ${today.minus({ days: 1 }).toISODate() ?? ''}`);
  const quarter = /^(?:(\d{4})-)?q([1-4])$/.exec(word);
  if (quarter) {
    const year = quarter[1] ? Number(quarter[1]) : today.year;
    const start = DateTime.fromObject({ year, month: (Number(quarter[2]) - 1) * 3 + 1, day: 1 }, { zone: today.zone });
    return checked(start, start.plus({ months: 3 }), `${year}-Q${quarter[2]}`);
  }
  throw new PeriodError(`unknown period "${word}": use FROM TO (dates), this-month, last-month, last-quarter, last-week, last-7-days, yesterday, q1..q4 or YYYY-Qn`);
}

function checked(from: DateTime, to: DateTime, label: string): Omit<Period, 'timezone'> {
  if (to.diff(from, 'years').years > MAX_YEARS) throw new PeriodError(`periods longer than ${MAX_YEARS} years are not supported`);
  return { from: from.toJSDate(), to: to.toJSDate(), label };
}
