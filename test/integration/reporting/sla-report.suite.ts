import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { parsePeriod } from '../../../src/core/reporting/period';
import { buildReport } from '../../../src/core/reporting/sla-report';
import { createSla, customer, staff } from '../../support/sla-harness';
import { testBackend, useTestDatabase } from '../../support/test-database';

const moscow = (local: string) => new Date(`${local}+03:00`).getTime();

describe(`SLA report (${testBackend})`, () => {
  const context = useTestDatabase();

  it('matches figures computed by hand for a small week', async () => {
    const clock = new VirtualClock('2026-11-06T00:00:00Z');
    const { intake } = createSla(context.db, clock);
    // Seed runbook: 60 business minutes, Mon–Fri 03:00–23:00 Moscow.
    await intake.accept('http', customer('c1', moscow('2026-11-02T12:00:00'), 'a1'));
    await intake.accept('http', staff('c1', moscow('2026-11-02T12:30:00'), 'a2')); // 30 business, 30 calendar
    await intake.accept('http', customer('c2', moscow('2026-11-02T22:30:00'), 'b1'));
    await intake.accept('http', staff('c2', moscow('2026-11-03T03:45:00'), 'b2')); // 75 business (breach), 315 calendar
    await intake.accept('http', customer('c3', moscow('2026-11-03T12:00:00'), 'c1'));
    await intake.accept('http', { ...staff('c3', moscow('2026-11-03T12:50:00'), 'c2'), author: { id: 'bob', name: 'Bob', role: 'staff' as const } }); // 50
    await intake.accept('http', customer('c4', moscow('2026-11-03T14:00:00'), 'd1')); // still open
    await intake.accept('http', customer('c5', moscow('2026-11-04T10:00:00'), 'e1')); // after the period

    const report = await buildReport(context.db, new Date(moscow('2026-11-02T00:00:00')), new Date(moscow('2026-11-04T00:00:00')));
    expect(report).toMatchObject({
      inquiries: 4,
      answered: 3,
      stillOpen: 1,
      resolvedWithoutAnswer: 0,
      breaches: 1,
      withinSlaPercent: 66.7,
      escalated: 0,
      escalatedPercent: 0,
      firstResponseBusinessMinutes: { average: 51.7, median: 50, p90: 70 },
      firstResponseCalendarMinutes: { average: 131.7, median: 50, p90: 262 },
    });
    expect(report.hotConversations.map((h) => [h.conversation, h.breaches, h.slowestBusinessMinutes])).toEqual([
      ['c2', 1, 75],
      ['c3', 0, 50],
      ['c1', 0, 30],
    ]);
    expect(report.responders).toEqual([
      { responder: 'agent', answered: 2, medianBusinessMinutes: 52.5 },
      { responder: 'Bob', answered: 1, medianBusinessMinutes: 50 },
    ]);
  });

  it('filters by conversation and answers an empty period with zeros, not errors', async () => {
    const clock = new VirtualClock('2026-11-06T00:00:00Z');
    const { intake } = createSla(context.db, clock);
    await intake.accept('http', customer('c1', moscow('2026-11-02T12:00:00'), 'a1'));
    const only = await buildReport(context.db, new Date(moscow('2026-11-01T00:00:00')), new Date(moscow('2026-11-08T00:00:00')), { conversation: 'nope' });
    expect(only).toMatchObject({ inquiries: 0, answered: 0, withinSlaPercent: null, escalatedPercent: null, firstResponseBusinessMinutes: { average: null, median: null, p90: null } });
  });

  it('puts inquiries in the month of their local opening time across a DST change, and counts one still open', async () => {
    const clock = new VirtualClock('2026-11-05T12:00:00Z');
    const { intake } = createSla(context.db, clock);
    // Berlin leaves summer time on 25 October: October starts at 22:00Z and ends at 23:00Z.
    await intake.accept('http', customer('before', Date.parse('2026-09-30T21:30:00Z'), 'x1')); // 23:30 on 30 Sep, Berlin
    await intake.accept('http', customer('first', Date.parse('2026-09-30T22:10:00Z'), 'x2')); // 00:10 on 1 Oct
    await intake.accept('http', customer('last', Date.parse('2026-10-31T22:30:00Z'), 'x3')); // 23:30 on 31 Oct
    await intake.accept('http', customer('after', Date.parse('2026-10-31T23:30:00Z'), 'x4')); // 00:30 on 1 Nov
    await intake.accept('http', staff('first', Date.parse('2026-10-01T08:00:00Z'), 'x5'));

    const october = parsePeriod(['last-month'], 'Europe/Berlin', clock.now());
    expect(october.label).toBe('October 2026');
    const report = await buildReport(context.db, october.from, october.to);
    expect(report).toMatchObject({ inquiries: 2, answered: 1, stillOpen: 1 });
  });
});
