import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { parsePeriod } from '../../../src/core/reporting/period';
import { reportScope } from '../../../src/core/reporting/report-scope';
import { breachesPerDay, frtHistogram } from '../../../src/core/reporting/report-series';
import { buildReport } from '../../../src/core/reporting/sla-report';
import { createSla, customer, staff } from '../../support/sla-harness';
import { testBackend, useTestDatabase } from '../../support/test-database';

const moscow = (local: string) => new Date(`${local}+03:00`).getTime();

describe(`breaches per day and the first-response histogram (${testBackend})`, () => {
  const context = useTestDatabase();

  it('spread the report’s breaches over the local days and its answered inquiries over business-minute bins', async () => {
    const clock = new VirtualClock('2026-11-06T00:00:00Z');
    const { intake } = createSla(context.db, clock);
    // Seed runbook: 60 business minutes, Mon–Fri 03:00–23:00 Moscow.
    const answer = async (id: string, opened: string, minutes: number) => {
      await intake.accept('http', customer(id, moscow(opened), `${id}-q`));
      await intake.accept('http', staff(id, moscow(opened) + minutes * 60_000, `${id}-a`));
    };
    await answer('a', '2026-11-02T00:30:00', 3); // 00:30 Moscow is still 1 November in UTC; answered before hours: 0 business min
    await answer('b', '2026-11-02T12:00:00', 10);
    await answer('c', '2026-11-02T13:00:00', 90); // breach
    // 4 November is a holiday in the seed calendar: the next answers are on the 5th.
    await answer('d', '2026-11-05T10:00:00', 61); // breach
    await answer('e', '2026-11-05T11:00:00', 500); // breach, open bin
    await intake.accept('http', customer('f', moscow('2026-11-05T12:00:00'), 'f-q')); // still open: no bin

    const period = parsePeriod(['2026-11-02', '2026-11-05'], 'Europe/Moscow', clock.now());
    const scope = reportScope(period.from, period.to, {});
    const days = await breachesPerDay(context.db, scope, period);
    expect(days.map((d) => [d.day, d.count])).toEqual([
      ['2026-11-02', 1],
      ['2026-11-03', 0],
      ['2026-11-04', 0],
      ['2026-11-05', 2],
    ]);
    expect(days[0]?.start).toBe(moscow('2026-11-02T00:00:00'));

    const bins = await frtHistogram(context.db, scope);
    expect(bins.map((b) => [b.from, b.to, b.count])).toEqual([
      [0, 5, 1],
      [5, 15, 1],
      [15, 30, 0],
      [30, 60, 0],
      [60, 120, 2],
      [120, 240, 0],
      [240, 480, 0],
      [480, null, 1],
    ]);

    // The same inquiries as the report: breaches add up, and the bins hold every first response.
    const report = await buildReport(context.db, period.from, period.to);
    expect(days.reduce((n, d) => n + d.count, 0)).toBe(report.breaches);
    expect(bins.reduce((n, b) => n + b.count, 0)).toBe(report.answered);
  });

  it('lists every day of an empty period with zeros, and honours a filter', async () => {
    const clock = new VirtualClock('2026-11-06T00:00:00Z');
    const { intake } = createSla(context.db, clock);
    await intake.accept('http', customer('x', moscow('2026-11-02T12:00:00'), 'x-q'));
    await intake.accept('http', staff('x', moscow('2026-11-02T14:00:00'), 'x-a'));
    const period = parsePeriod(['2026-11-01', '2026-11-30'], 'Europe/Moscow', clock.now());
    const none = reportScope(period.from, period.to, { channel: 'email' });
    const days = await breachesPerDay(context.db, none, period);
    expect(days).toHaveLength(30);
    expect(days.every((d) => d.count === 0)).toBe(true);
    expect((await frtHistogram(context.db, none)).every((b) => b.count === 0)).toBe(true);
    const http = reportScope(period.from, period.to, { channel: 'http' });
    expect((await breachesPerDay(context.db, http, period)).find((d) => d.day === '2026-11-02')?.count).toBe(1);
  });
});
