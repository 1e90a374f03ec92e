import { DateTime } from 'luxon';
import { rulesSchema, type Rules } from '../../src/core/config/rules.schema';
import { type CalendarSpec } from '../../src/core/sla/calendar-spec';
import { calendarSchema, toCalendarSpec } from '../../src/core/sla/calendar.schema';

export interface NamedCalendar {
  name: string;
  description: string;
  spec: CalendarSpec;
}

/**
 * The calendars the business-time benchmark runs on, built the way the hub builds them
 * (calendarSchema, then toCalendarSpec with the closures an ICS feed would add).
 */
export function benchCalendars(): NamedCalendar[] {
  const support = calendarSchema.parse({
    timezone: 'Europe/Moscow',
    week: { 'mon-fri': ['03:00-23:00'], 'sat-sun': ['10:00-19:00'] },
    holidays: {
      dates: ['2026-01-01', '2026-01-02', '2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-02-23', '2026-03-09', '2026-05-01', '2026-05-11', '2026-06-12', '2026-11-04', '2026-12-31'],
    },
    // A holiday worked anyway, with short hours.
    extraWorkingDays: { '2026-01-08': ['10:00-16:00'] },
  });
  const office = calendarSchema.parse({
    timezone: 'Europe/Berlin',
    week: { 'mon-thu': ['09:00-13:00', '14:00-18:00'], fri: ['09:00-13:00', '14:00-16:00'], sun: ['20:00-02:00+1'] },
    holidays: { dates: ['2026-01-01', '2026-04-03', '2026-04-05', '2026-04-06', '2026-05-01', '2026-05-14', '2026-05-25', '2026-10-03', '2026-12-25', '2026-12-26'] },
    extraWorkingDays: { '2026-11-28': ['10:00-14:00'] },
  });
  // Timed closures, as an ICS feed gives for half-day holidays: the afternoons of 24 and 31 December.
  const berlinNoonToMidnight = (date: string): [number, number] => {
    const day = DateTime.fromISO(date, { zone: 'Europe/Berlin' });
    return [day.set({ hour: 12 }).toMillis(), day.plus({ days: 1 }).toMillis()];
  };
  return [
    {
      name: 'support',
      description: 'Europe/Moscow, Mon-Fri 03:00-23:00, Sat-Sun 10:00-19:00, 13 holidays, 1 extra working day',
      spec: toCalendarSpec(support),
    },
    {
      name: 'office',
      description: 'Europe/Berlin (DST), Mon-Thu 09-13 + 14-18, Fri 09-13 + 14-16, Sun 20:00-02:00+1, 10 holidays, 2 half-day closures, 1 extra day',
      spec: toCalendarSpec(office, { closures: [berlinNoonToMidnight('2026-12-24'), berlinNoonToMidnight('2026-12-31')] }),
    },
  ];
}

export const STEADY_POLICY = 'default';
export const RESTART_POLICY = 'restart';
export const SCHEDULER_CALENDAR = 'around-the-clock';

/**
 * The runbook for the PostgreSQL phases: the seed's policy (60 min; ⚡ 15 min left, ❗ 5 min
 * left, ⚠️ SLA MISS) to a duty target on the `log` connector. Marks must fall due during a
 * real-time window whatever the hour the benchmark runs, so the calendar works round the clock
 * (written as a week, so it goes through the same interval machinery as any calendar).
 *
 * The storm guard is set to its maximum (10,000 per target and minute) so digests do not
 * distort the counts, and the restart burst goes to a target of its own, so the steady
 * window's alerts of the same minute do not push the burst over that limit.
 */
export function schedulerRules(): Rules {
  const marks = (target: string) => [
    { before: '15m', level: 'warning', emoji: '⚡', message: '15 minutes left — {title}', actions: [{ notify: [target] }] },
    { before: '5m', level: 'critical', emoji: '❗', message: '5 minutes left — {title}', actions: [{ notify: [target] }] },
    { at: '100%', level: 'breach', emoji: '⚠️', message: 'SLA MISS — {title}', actions: [{ notify: [target] }] },
  ];
  return rulesSchema.parse({
    version: 1,
    calendars: { [SCHEDULER_CALENDAR]: { timezone: 'Europe/Moscow', week: { 'mon-sun': ['00:00-24:00'] } } },
    duty: {
      targets: [
        { name: 'duty', connector: 'log', to: { chat: 'duty' } },
        { name: 'duty-restart', connector: 'log', to: { chat: 'duty-restart' } },
      ],
      stormLimitPerMinute: 10_000,
    },
    policies: [
      // Never matched by intake (no such channel): the benchmark assigns it to the restart burst.
      { name: RESTART_POLICY, match: { channel: 'bench-restart' }, target: '60m', calendar: SCHEDULER_CALENDAR, marks: marks('duty-restart') },
      { name: STEADY_POLICY, target: '60m', calendar: SCHEDULER_CALENDAR, marks: marks('duty') },
    ],
  });
}
