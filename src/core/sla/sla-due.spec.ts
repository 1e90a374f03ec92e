import { DateTime } from 'luxon';
import { BusinessCalendar } from './business-calendar';
import { calendarSchema, toCalendarSpec } from './calendar.schema';
import { nextWorkingIntervals, slaDue } from './sla-due';

const berlin = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Berlin' }).toMillis();
const calendar = (config: unknown) => new BusinessCalendar(toCalendarSpec(calendarSchema.parse(config)));
const office = () => calendar({ timezone: 'Europe/Berlin', week: { 'mon-fri': ['09:00-18:00'] }, holidays: { dates: ['2026-12-08'] } });

describe('slaDue', () => {
  it('is due after the business time, with the intervals that made it up', () => {
    // Friday 17:30 + 60 business minutes: 30 on Friday, 30 on Monday morning.
    const due = slaDue(office(), berlin('2026-12-04T17:30'), 60 * 60_000);
    expect(due.due).toBe(berlin('2026-12-07T09:30'));
    expect(due.intervals).toEqual([
      [berlin('2026-12-04T17:30'), berlin('2026-12-04T18:00')],
      [berlin('2026-12-07T09:00'), berlin('2026-12-07T09:30')],
    ]);
  });
});

describe('nextWorkingIntervals', () => {
  it('lists the interval under way from now, then whole working days, skipping weekends and holidays', () => {
    const next = nextWorkingIntervals(office(), berlin('2026-12-04T17:00'), 4);
    expect(next.map((i) => [DateTime.fromMillis(i.from, { zone: 'Europe/Berlin' }).toFormat('ccc dd HH:mm'), DateTime.fromMillis(i.to, { zone: 'Europe/Berlin' }).toFormat('HH:mm')])).toEqual([
      ['Fri 04 17:00', '18:00'],
      ['Mon 07 09:00', '18:00'],
      ['Wed 09 09:00', '18:00'],
      ['Thu 10 09:00', '18:00'],
    ]);
    expect(next.every((i) => !i.open)).toBe(true);
  });

  it('gives a calendar open round the clock one interval that runs on', () => {
    const [only, ...rest] = nextWorkingIntervals(calendar({ alwaysOpen: true }), Date.UTC(2026, 11, 4), 5);
    expect(only).toMatchObject({ from: Date.UTC(2026, 11, 4), open: true });
    expect(rest).toEqual([]);
  });
});
