import { DateTime } from 'luxon';
import { BusinessCalendar } from './business-calendar';
import { alwaysOpen, type CalendarSpec, type Window } from './calendar-spec';

const w = (start: string, end: string): Window => ({ start: minutes(start), end: minutes(end) });
function minutes(t: string): number {
  const [h, m] = t.split(':').map(Number);
  return (h as number) * 60 + (m as number);
}

function calendar(overrides: Partial<CalendarSpec>): BusinessCalendar {
  return new BusinessCalendar({ ...alwaysOpen('UTC'), week: {}, ...overrides });
}

/** Local wall time in the calendar's zone → epoch ms, and back, for readable tables. */
const at = (zone: string, local: string) => DateTime.fromISO(local, { zone }).toMillis();
const show = (zone: string, ms: number) => DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");

// The seed's schedule (story 001): Mon–Fri 03:00–23:00, Sat–Sun 10:00–19:00, UTC+3.
const MOSCOW = 'Europe/Moscow';
const seed = calendar({
  timezone: MOSCOW,
  week: { mon: [w('03:00', '23:00')], tue: [w('03:00', '23:00')], wed: [w('03:00', '23:00')], thu: [w('03:00', '23:00')], fri: [w('03:00', '23:00')], sat: [w('10:00', '19:00')], sun: [w('10:00', '19:00')] },
  holidayDates: new Set(['2026-11-04']), // Unity Day, a Wednesday
});

describe('BusinessCalendar.addBusiness', () => {
  it.each([
    ['inside a window', '2026-11-02T12:00', 60, '2026-11-02T13:00'],
    ['reaching the end of a window exactly', '2026-11-02T22:00', 60, '2026-11-02T23:00'],
    ['carrying over the night', '2026-11-02T22:30', 60, '2026-11-03T03:30'],
    ['starting at night: the clock starts at the first working minute', '2026-11-03T01:10', 60, '2026-11-03T04:00'],
    ['skipping a holiday', '2026-11-03T22:45', 60, '2026-11-05T03:45'],
    ['Friday evening into the shorter Saturday', '2026-11-06T22:50', 60, '2026-11-07T10:50'],
    ['a message on Saturday night starts on Sunday morning', '2026-11-07T20:00', 45, '2026-11-08T10:45'],
    ['zero minutes in a gap is the next opening (past the holiday)', '2026-11-03T23:30', 0, '2026-11-05T03:00'],
  ])('%s', (_name, start, mins, due) => {
    expect(show(MOSCOW, seed.addBusiness(at(MOSCOW, start), mins * 60_000))).toBe(due);
  });

  it('counts lunch breaks out and spans several windows a day', () => {
    const office = calendar({ timezone: 'Europe/Berlin', week: { mon: [w('09:00', '13:00'), w('14:00', '18:00')] } });
    expect(show('Europe/Berlin', office.addBusiness(at('Europe/Berlin', '2026-11-02T12:30'), 60 * 60_000))).toBe('2026-11-02T14:30');
    expect(show('Europe/Berlin', office.addBusiness(at('Europe/Berlin', '2026-11-02T17:30'), 60 * 60_000))).toBe('2026-11-09T09:30');
  });

  it('handles a night shift window that crosses midnight', () => {
    const nights = calendar({ timezone: 'UTC', week: { mon: [w('22:00', '06:00')], tue: [w('22:00', '06:00')] } });
    expect(show('UTC', nights.addBusiness(at('UTC', '2026-11-02T23:00'), 120 * 60_000))).toBe('2026-11-03T01:00');
    expect(show('UTC', nights.addBusiness(at('UTC', '2026-11-03T05:30'), 60 * 60_000))).toBe('2026-11-03T22:30');
  });

  it('works an extra working day (a Saturday) outside the weekly pattern', () => {
    const office = calendar({
      timezone: 'UTC',
      week: { fri: [w('09:00', '18:00')], mon: [w('09:00', '18:00')] },
      extraWorkingDays: new Map([['2026-11-07', [w('10:00', '14:00')]]]),
    });
    expect(show('UTC', office.addBusiness(at('UTC', '2026-11-06T17:30'), 60 * 60_000))).toBe('2026-11-07T10:30');
    // An extra working day also overrides a holiday on that date.
    const holidayWorked = calendar({
      timezone: 'UTC',
      week: { mon: [w('09:00', '18:00')] },
      holidayDates: new Set(['2026-11-09']),
      extraWorkingDays: new Map([['2026-11-09', [w('12:00', '13:00')]]]),
    });
    expect(show('UTC', holidayWorked.addBusiness(at('UTC', '2026-11-09T08:00'), 30 * 60_000))).toBe('2026-11-09T12:30');
  });

  it('is exact across DST: a window over the skipped hour is shorter, over the repeated hour longer', () => {
    const zone = 'Europe/Berlin';
    const nightly = calendar({ timezone: zone, week: { sun: [w('01:00', '04:00')] } });
    // 2026-03-29: 02:00 → 03:00, the window holds 2 real hours.
    expect(nightly.businessBetween(at(zone, '2026-03-29T00:00'), at(zone, '2026-03-29T05:00'))).toBe(2 * 3_600_000);
    expect(show(zone, nightly.addBusiness(at(zone, '2026-03-29T01:30'), 60 * 60_000))).toBe('2026-03-29T03:30');
    // 2026-10-25: 03:00 → 02:00, the window holds 4 real hours.
    expect(nightly.businessBetween(at(zone, '2026-10-25T00:00'), at(zone, '2026-10-25T05:00'))).toBe(4 * 3_600_000);
  });

  it('treats a 24/7 calendar as plain time', () => {
    const always = new BusinessCalendar(alwaysOpen('UTC'));
    const start = Date.parse('2026-11-02T23:59:00Z');
    expect(always.addBusiness(start, 90 * 60_000)).toBe(start + 90 * 60_000);
    expect(always.businessBetween(start, start + 12_345)).toBe(12_345);
  });

  it('reaches beyond the first generated span', () => {
    const always = new BusinessCalendar(alwaysOpen('UTC'));
    const start = Date.parse('2026-01-01T00:00:00Z');
    expect(always.addBusiness(start, 900 * 86_400_000)).toBe(start + 900 * 86_400_000);
  });

  it('removes timed closures', () => {
    const office = calendar({ timezone: 'UTC', week: { mon: [w('09:00', '18:00')] }, closures: [[at('UTC', '2026-11-02T12:00'), at('UTC', '2026-11-02T13:00')]] });
    expect(show('UTC', office.addBusiness(at('UTC', '2026-11-02T11:30'), 60 * 60_000))).toBe('2026-11-02T13:30');
  });

  it('refuses an unknown time zone', () => {
    expect(() => calendar({ timezone: 'Mars/Olympus' })).toThrow('unknown time zone "Mars/Olympus"');
  });
});

describe('BusinessCalendar.businessBetween', () => {
  it('measures a first response across the night in business minutes', () => {
    expect(seed.businessBetween(at(MOSCOW, '2026-11-02T22:30'), at(MOSCOW, '2026-11-03T03:30')) / 60_000).toBe(60);
    expect(seed.businessBetween(at(MOSCOW, '2026-11-03T01:00'), at(MOSCOW, '2026-11-03T02:00'))).toBe(0);
  });

  it('agrees with addBusiness', () => {
    for (let i = 0; i < 200; i++) {
      const from = at(MOSCOW, '2026-11-01T00:00') + i * 47 * 60_000;
      const due = seed.addBusiness(from, (i % 90) * 60_000 + 1);
      expect(seed.businessBetween(from, due)).toBe((i % 90) * 60_000 + 1);
    }
  });
});

describe('BusinessCalendar coverage', () => {
  const fresh = () =>
    calendar({
      timezone: MOSCOW,
      week: { mon: [w('21:00', '02:00')], tue: [w('09:00', '18:00')], wed: [w('09:00', '18:00')], thu: [w('09:00', '18:00')], fri: [w('09:00', '18:00')] },
      holidayDates: new Set(['2026-01-06']),
    });
  const now = at(MOSCOW, '2026-11-02T12:00');

  it('grows at its edges: days already generated are never generated again', () => {
    const cal = fresh();
    cal.addBusiness(now, 3_600_000);
    const first = cal.daysGenerated;
    cal.businessBetween(at(MOSCOW, '2025-11-02T12:00'), now);
    const afterYearBack = cal.daysGenerated;
    expect(afterYearBack - first).toBeGreaterThan(300);
    expect(afterYearBack - first).toBeLessThan(380);
    cal.businessBetween(at(MOSCOW, '2026-01-01T00:00'), now);
    cal.addBusiness(at(MOSCOW, '2026-06-01T00:00'), 3_600_000);
    expect(cal.daysGenerated).toBe(afterYearBack);
  });

  it('gives the same answers across the seams as a calendar built in one go', () => {
    const grown = fresh();
    grown.addBusiness(now, 60_000);
    grown.businessBetween(at(MOSCOW, '2026-03-01T00:00'), now);
    grown.addBusiness(at(MOSCOW, '2027-02-01T00:00'), 60_000);
    const whole = fresh();
    whole.businessBetween(at(MOSCOW, '2026-02-27T00:00'), at(MOSCOW, '2027-03-01T00:00'));
    for (const [from, to] of [
      ['2026-03-02T23:30', '2026-03-03T10:00'],
      ['2026-01-05T20:00', '2026-01-08T09:30'],
      ['2026-03-01T00:00', '2027-02-01T00:00'],
      ['2026-10-25T01:00', '2026-11-03T01:00'],
    ] as const) {
      expect(grown.businessBetween(at(MOSCOW, from), at(MOSCOW, to))).toBe(whole.businessBetween(at(MOSCOW, from), at(MOSCOW, to)));
    }
    expect(grown.intervalsBetween(at(MOSCOW, '2026-03-01T00:00'), at(MOSCOW, '2027-02-01T00:00'))).toEqual(
      whole.intervalsBetween(at(MOSCOW, '2026-03-01T00:00'), at(MOSCOW, '2027-02-01T00:00')),
    );
  });
});
