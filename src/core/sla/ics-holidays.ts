import ical from 'node-ical';

export interface Holidays {
  /** Whole days off, as the calendar's local dates (YYYY-MM-DD). */
  dates: string[];
  /** Timed closures (a half day) as epoch-ms intervals. */
  closures: Array<[number, number]>;
}

export class IcsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IcsError';
  }
}

/**
 * Holidays from an iCalendar document. Recurring events are expanded within [from, to]
 * (bounded, so a yearly rule cannot produce unbounded work), honouring EXDATE and
 * RECURRENCE-ID overrides. All-day events become local dates; timed ones closures.
 */
export function parseIcsHolidays(text: string, window: { from: Date; to: Date }): Holidays {
  if (!/BEGIN:VCALENDAR/i.test(text)) throw new IcsError('not an iCalendar document (no BEGIN:VCALENDAR)');
  let parsed: ReturnType<typeof ical.sync.parseICS>;
  try {
    parsed = ical.sync.parseICS(text);
  } catch (error) {
    throw new IcsError(`cannot parse the iCalendar document: ${error instanceof Error ? error.message : String(error)}`);
  }
  const dates = new Set<string>();
  const closures: Array<[number, number]> = [];
  for (const component of Object.values(parsed)) {
    if (!component || component.type !== 'VEVENT') continue;
    const event = component;
    if (!(event.start instanceof Date) || Number.isNaN(event.start.getTime())) continue;
    for (const instance of ical.expandRecurringEvent(event, { from: window.from, to: window.to, expandOngoing: true })) {
      if (instance.isFullDay) for (const date of daysOf(instance.start, instance.end)) dates.add(date);
      else if (instance.end > instance.start) closures.push([instance.start.getTime(), instance.end.getTime()]);
    }
  }
  return { dates: [...dates].sort(), closures: closures.sort((a, b) => a[0] - b[0]) };
}

/** Dates of an all-day event, end exclusive; node-ical builds date-only values at local midnight. */
function daysOf(start: Date, end: Date | undefined): string[] {
  const out: string[] = [];
  const day = new Date(start.getFullYear(), start.getMonth(), start.getDate());
  const stop = end && end > start ? end : new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1);
  for (let guard = 0; day < stop && guard < 366; guard++) {
    out.push(`${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`);
    day.setDate(day.getDate() + 1);
  }
  return out;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
