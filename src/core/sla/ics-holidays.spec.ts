import { IcsError, parseIcsHolidays } from './ics-holidays';

const window = { from: new Date('2025-11-01T00:00:00Z'), to: new Date('2029-11-01T00:00:00Z') };

function calendar(...events: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//replywatch test//EN', ...events, 'END:VCALENDAR'].join('\r\n');
}

describe('parseIcsHolidays', () => {
  it('turns all-day events into local dates, end exclusive', () => {
    const holidays = parseIcsHolidays(
      calendar('BEGIN:VEVENT', 'UID:a', 'DTSTART;VALUE=DATE:20261104', 'DTEND;VALUE=DATE:20261105', 'SUMMARY:Unity Day', 'END:VEVENT',
        'BEGIN:VEVENT', 'UID:b', 'DTSTART;VALUE=DATE:20261230', 'DTEND;VALUE=DATE:20270102', 'SUMMARY:Winter break', 'END:VEVENT'),
      window,
    );
    expect(holidays.dates).toEqual(['2026-11-04', '2026-12-30', '2026-12-31', '2027-01-01']);
    expect(holidays.closures).toEqual([]);
  });

  it('expands a yearly rule inside the window only, skipping EXDATEs', () => {
    const holidays = parseIcsHolidays(
      calendar('BEGIN:VEVENT', 'UID:ny', 'DTSTART;VALUE=DATE:20240101', 'DTEND;VALUE=DATE:20240102', 'RRULE:FREQ=YEARLY', 'EXDATE;VALUE=DATE:20280101', 'SUMMARY:New Year', 'END:VEVENT'),
      window,
    );
    expect(holidays.dates).toEqual(['2026-01-01', '2027-01-01', '2029-01-01']);
  });

  it('keeps a timed event as a closure at the right instant of its own time zone', () => {
    const holidays = parseIcsHolidays(
      calendar('BEGIN:VEVENT', 'UID:short', 'DTSTART;TZID=Europe/Moscow:20261231T120000', 'DTEND;TZID=Europe/Moscow:20261231T230000', 'SUMMARY:Short day', 'END:VEVENT'),
      window,
    );
    expect(holidays.closures).toEqual([[Date.parse('2026-12-31T09:00:00Z'), Date.parse('2026-12-31T20:00:00Z')]]);
    expect(holidays.dates).toEqual([]);
  });

  it('refuses a document that is not iCalendar', () => {
    expect(() => parseIcsHolidays('<html>Service Unavailable</html>', window)).toThrow(IcsError);
    expect(() => parseIcsHolidays('<html>Service Unavailable</html>', window)).toThrow('not an iCalendar document');
  });

  it('ignores events without a usable start instead of failing the whole feed', () => {
    const holidays = parseIcsHolidays(
      calendar('BEGIN:VEVENT', 'UID:broken', 'SUMMARY:No start', 'END:VEVENT', 'BEGIN:VEVENT', 'UID:ok', 'DTSTART;VALUE=DATE:20261104', 'SUMMARY:ok', 'END:VEVENT'),
      window,
    );
    expect(holidays.dates).toEqual(['2026-11-04']);
  });
});
