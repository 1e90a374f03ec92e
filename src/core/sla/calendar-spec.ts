/** A local time of day as minutes after midnight, e.g. "09:30" → 570, "24:00" → 1440. */
export type LocalMinutes = number;

/** A working window on one local day; `end <= start` means it runs past midnight. */
export interface Window {
  start: LocalMinutes;
  end: LocalMinutes;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Everything a business calendar is made of, already validated. */
export interface CalendarSpec {
  timezone: string;
  /** Working windows per weekday; a missing day is a day off. */
  week: Partial<Record<Weekday, Window[]>>;
  /** Whole local dates off (YYYY-MM-DD), e.g. public holidays. */
  holidayDates: ReadonlySet<string>;
  /** Timed closures as epoch-ms intervals (e.g. a holiday that starts at noon). */
  closures: ReadonlyArray<readonly [number, number]>;
  /** Dates worked despite the weekly pattern or a holiday, with their own windows. */
  extraWorkingDays: ReadonlyMap<string, Window[]>;
}

/** Round the clock, every day, no holidays. */
export function alwaysOpen(timezone = 'UTC'): CalendarSpec {
  const allDay = [{ start: 0, end: 1440 }];
  return {
    timezone,
    week: Object.fromEntries(WEEKDAYS.map((d) => [d, allDay])),
    holidayDates: new Set(),
    closures: [],
    extraWorkingDays: new Map(),
  };
}

export function parseLocalTime(text: string): LocalMinutes | undefined {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!match) return undefined;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= 1440 ? minutes : undefined;
}
