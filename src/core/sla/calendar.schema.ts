import { z } from 'zod';
import { durationSchema } from '../config/duration';
import { alwaysOpen, type CalendarSpec, parseLocalTime, type Weekday, WEEKDAYS, type Window } from './calendar-spec';

const WINDOW = /^(\d{2}:\d{2})-(\d{2}:\d{2})(\+1)?$/;

/** "09:00-18:00", or "22:00-06:00+1" for a window that runs past midnight. */
const windowSchema = z.string().transform((text, ctx): Window => {
  const match = WINDOW.exec(text.trim());
  const start = match ? parseLocalTime(match[1] as string) : undefined;
  const end = match ? parseLocalTime(match[2] as string) : undefined;
  if (!match || start === undefined || end === undefined || start === 1440) {
    ctx.addIssue({ code: 'custom', message: 'expected a window such as "09:00-18:00" (or "22:00-06:00+1" past midnight)' });
    return z.NEVER;
  }
  const overnight = match[3] !== undefined;
  if (!overnight && end <= start) {
    ctx.addIssue({ code: 'custom', message: 'ends before it starts; end it with +1 if it runs past midnight, e.g. "22:00-06:00+1"' });
    return z.NEVER;
  }
  if (overnight && end > start) {
    ctx.addIssue({ code: 'custom', message: 'marked +1 but ends the same day; drop the +1' });
    return z.NEVER;
  }
  return { start, end };
});

const dateSchema = z.iso.date({ message: 'expected a date YYYY-MM-DD' });

export const timezoneSchema = z.string().refine(isTimeZone, 'expected an IANA time zone such as Europe/Moscow or UTC');

/** Day keys: "mon", "mon-fri", "sat,sun". */
function expandDays(key: string): Weekday[] | undefined {
  const days: Weekday[] = [];
  for (const part of key.split(',').map((p) => p.trim().toLowerCase())) {
    const [from, to] = part.split('-') as [string, string | undefined];
    const a = WEEKDAYS.indexOf(from as Weekday);
    const b = to === undefined ? a : WEEKDAYS.indexOf(to as Weekday);
    if (a < 0 || b < 0 || b < a) return undefined;
    days.push(...WEEKDAYS.slice(a, b + 1));
  }
  return days;
}

const weekSchema = z.record(z.string(), z.array(windowSchema)).superRefine((week, ctx) => {
  const seen = new Set<Weekday>();
  for (const [key, windows] of Object.entries(week)) {
    const days = expandDays(key);
    if (!days) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'expected days such as mon, mon-fri or sat,sun' });
      continue;
    }
    for (const day of days) {
      if (seen.has(day)) ctx.addIssue({ code: 'custom', path: [key], message: `${day} is set more than once` });
      seen.add(day);
    }
    const overlap = firstOverlap(windows);
    if (overlap !== undefined) ctx.addIssue({ code: 'custom', path: [key, overlap], message: 'overlaps another window of the same day' });
  }
});

const icsSchema = z
  .object({
    /** An iCalendar feed, refreshed every `refresh`; the last good copy is kept in the database. */
    url: z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).optional(),
    /** Or a local .ics file (relative to the rules file; the loader makes it absolute), re-read when it changes. */
    file: z.string().min(1).optional(),
    refresh: durationSchema.default(86_400_000),
  })
  .strict()
  .superRefine((ics, ctx) => {
    if ((ics.url === undefined) === (ics.file === undefined)) ctx.addIssue({ code: 'custom', message: 'expected exactly one of url or file' });
  });

const holidaysSchema = z
  .object({
    dates: z.array(dateSchema).default([]),
    ics: icsSchema.optional(),
  })
  .strict();

export type IcsSource = z.output<typeof icsSchema>;

export const calendarSchema = z
  .object({
    timezone: timezoneSchema.default('UTC'),
    /** Round the clock, every day: no week, holidays or extra days. */
    alwaysOpen: z.boolean().default(false),
    week: weekSchema.optional(),
    holidays: holidaysSchema.prefault({}),
    extraWorkingDays: z.record(dateSchema, z.array(windowSchema).min(1)).default({}),
  })
  .strict()
  .superRefine((calendar, ctx) => {
    if (calendar.alwaysOpen && calendar.week) ctx.addIssue({ code: 'custom', path: ['week'], message: 'not used with alwaysOpen: true' });
    if (!calendar.alwaysOpen && !calendar.week) ctx.addIssue({ code: 'custom', path: ['week'], message: 'expected working windows per day (or alwaysOpen: true)' });
  });

export type CalendarConfig = z.output<typeof calendarSchema>;

/** The calendar's spec with the holidays known so far (ICS events are added by the holiday source). */
export function toCalendarSpec(config: CalendarConfig, extra: { dates?: Iterable<string>; closures?: Array<[number, number]> } = {}): CalendarSpec {
  if (config.alwaysOpen || !config.week) {
    return alwaysOpen(config.timezone);
  }
  const week: Partial<Record<Weekday, Window[]>> = {};
  for (const [key, windows] of Object.entries(config.week)) for (const day of expandDays(key) ?? []) week[day] = windows;
  return {
    timezone: config.timezone,
    week,
    holidayDates: new Set([...config.holidays.dates, ...(extra.dates ?? [])]),
    closures: extra.closures ?? [],
    extraWorkingDays: new Map(Object.entries(config.extraWorkingDays)),
  };
}

function firstOverlap(windows: Window[]): number | undefined {
  const spans = windows.map((w, i) => ({ i, start: w.start, end: w.end <= w.start ? w.end + 1440 : w.end })).sort((a, b) => a.start - b.start);
  for (let k = 1; k < spans.length; k++) {
    if ((spans[k] as { start: number }).start < (spans[k - 1] as { end: number }).end) return (spans[k] as { i: number }).i;
  }
  return undefined;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
