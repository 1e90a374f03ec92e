import { VirtualClock } from '../../../core/clock/virtual-clock';
import { type Database } from '../../../core/persistence/database';
import { type RulesStore } from '../../../core/rules/rules-store';
import { ConnectorReports } from './report-service';

describe('ConnectorReports.period', () => {
  // 00:30 on 1 December in Moscow, still 30 November in UTC.
  const clock = new VirtualClock('2026-11-30T21:30:00Z');
  const rules = { current: { rules: { reports: { timezone: 'Europe/Moscow' } } } } as unknown as RulesStore;
  // Reading a period touches no database: any call on it fails the test.
  const unexpected = (_: object, key: string | symbol) => () => {
    throw new Error(`unexpected database call ${String(key)}`);
  };
  const db = new Proxy({}, { get: unexpected }) as unknown as Database;
  const reports = new ConnectorReports(db, clock, rules);

  it('counts days in reports.timezone by default', () => {
    expect(reports.period(['last-month'], 'this-month')).toEqual({ label: 'November 2026', timezone: 'Europe/Moscow', from: new Date('2026-10-31T21:00:00Z'), to: new Date('2026-11-30T21:00:00Z') });
  });

  it('takes a zone named by the last word, also alone before the fallback period', () => {
    expect(reports.period(['last-month', 'UTC'], 'this-month')).toMatchObject({ label: 'October 2026', timezone: 'UTC', from: new Date('2026-10-01T00:00:00Z') });
    expect(reports.period(['2026-11-01', '2026-11-01', 'Asia/Tokyo'], 'x')).toMatchObject({ timezone: 'Asia/Tokyo', from: new Date('2026-10-31T15:00:00Z') });
    expect(reports.period(['Asia/Tokyo'], 'last-month')).toMatchObject({ label: 'November 2026', timezone: 'Asia/Tokyo' });
  });

  it('names a misspelled zone rather than reading it as a date', () => {
    expect(reports.period(['last-month', 'Mars/Olympus'], 'x')).toEqual({ error: 'unknown time zone "Mars/Olympus" (expected an IANA zone such as Europe/Moscow or UTC)' });
    expect(reports.period(['last-month', 'fortnight'], 'x')).toEqual({ error: '"last-month" is not a date (YYYY-MM-DD)' });
  });
});
