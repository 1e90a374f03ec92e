import { parsePeriod, periodHeading, PeriodError } from './period';

const NOW = Date.parse('2026-11-21T10:00:00Z');
const iso = (d: Date) => d.toISOString();

describe('parsePeriod', () => {
  it('reads inclusive dates in the report time zone', () => {
    const p = parsePeriod(['2026-10-01', '2026-10-31'], 'Europe/Moscow', NOW);
    expect([iso(p.from), iso(p.to)]).toEqual(['2026-09-30T21:00:00.000Z', '2026-10-31T21:00:00.000Z']);
  });

  it('knows last-month, this-month and quarters', () => {
    expect(iso(parsePeriod(['last-month'], 'UTC', NOW).from)).toBe('2026-10-01T00:00:00.000Z');
    expect(iso(parsePeriod(['this-month'], 'UTC', NOW).to)).toBe('2026-11-22T00:00:00.000Z');
    const q3 = parsePeriod(['q3'], 'UTC', NOW);
    expect([iso(q3.from), iso(q3.to), q3.label]).toEqual(['2026-07-01T00:00:00.000Z', '2026-10-01T00:00:00.000Z', '2026-Q3']);
    expect(parsePeriod(['2025-Q4'], 'UTC', NOW).label).toBe('2025-Q4');
  });

  it('knows the periods scheduled exports and digests use, across a year end and in a zone with DST', () => {
    const lastQuarter = parsePeriod(['last-quarter'], 'Europe/Berlin', Date.parse('2027-01-01T08:00:00Z'));
    expect([iso(lastQuarter.from), iso(lastQuarter.to), lastQuarter.label]).toEqual(['2026-09-30T22:00:00.000Z', '2026-12-31T23:00:00.000Z', '2026-Q4']);
    const yesterday = parsePeriod(['yesterday'], 'Europe/Berlin', Date.parse('2026-10-26T09:00:00Z'));
    // 25 October 2026 has 25 hours in Berlin (clocks go back).
    expect([iso(yesterday.from), iso(yesterday.to)]).toEqual(['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
    const week = parsePeriod(['last-week'], 'UTC', NOW);
    expect([iso(week.from), iso(week.to)]).toEqual(['2026-11-09T00:00:00.000Z', '2026-11-16T00:00:00.000Z']);
    expect(iso(parsePeriod(['last-7-days'], 'UTC', NOW).from)).toBe('2026-11-14T00:00:00.000Z');
  });

  it('states the zone and gives the bounds with its offset, so a reader sees where the month starts', () => {
    // 31 October, 22:30 UTC is already November in Moscow.
    const moscow = parsePeriod(['last-month'], 'Europe/Moscow', Date.parse('2026-11-30T21:30:00Z'));
    expect(periodHeading(moscow)).toEqual({ period: 'November 2026', timezone: 'Europe/Moscow', from: '2026-11-01T00:00:00.000+03:00', to: '2026-12-01T00:00:00.000+03:00' });
    const utc = parsePeriod(['last-month'], 'UTC', Date.parse('2026-11-30T21:30:00Z'));
    expect(periodHeading(utc)).toEqual({ period: 'October 2026', timezone: 'UTC', from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' });
  });

  it('answers bad input with a short reason', () => {
    expect(() => parsePeriod(['2026-12-31', '2026-01-01'], 'UTC', NOW)).toThrow('the period ends before it starts');
    expect(() => parsePeriod(['2026-02-30', '2026-03-01'], 'UTC', NOW)).toThrow('"2026-02-30" is not a date');
    expect(() => parsePeriod(['2000-01-01', '2026-01-01'], 'UTC', NOW)).toThrow('longer than 5 years');
    expect(() => parsePeriod(['tomorrow'], 'UTC', NOW)).toThrow(PeriodError);
    expect(() => parsePeriod([], 'UTC', NOW)).toThrow('expected a period');
  });
});
