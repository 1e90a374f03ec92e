import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { RulesStore } from '../../../src/core/rules/rules-store';
import { HealthState } from '../../../src/core/runtime/health-state';
import { HolidayFeeds } from '../../../src/core/sla/holiday-feeds';
import { rules } from '../../support/intake-harness';
import { IcsServer, icsWithHolidays } from '../../support/ics-server';
import { testBackend, useTestDatabase } from '../../support/test-database';

const TUESDAY_EVENING = Date.parse('2026-11-03T19:45:00Z'); // 22:45 in Moscow
const HOUR = 3_600_000;

function runbook(ics: Record<string, unknown>) {
  return rules({
    calendars: { support: { timezone: 'Europe/Moscow', week: { 'mon-fri': ['03:00-23:00'] }, holidays: { ics } } },
    duty: { targets: [{ name: 'duty', connector: 'log' }] },
  });
}

/** The due instant of one business hour from Tuesday 22:45: Wednesday 03:45, or Thursday if Wednesday is off. */
function dueFromTuesday(store: RulesStore): string {
  return new Date(store.current.sla.calendar('support').addBusiness(TUESDAY_EVENING, HOUR)).toISOString();
}

describe(`holidays from ICS (${testBackend})`, () => {
  const context = useTestDatabase();
  const server = new IcsServer();
  let url: string;

  beforeAll(async () => {
    url = await server.start();
  });
  afterAll(() => server.stop());

  it('fetches a feed, applies its holidays and keeps a copy that a restart without network uses', async () => {
    server.status = 200;
    server.body = icsWithHolidays('2026-11-04');
    const clock = new VirtualClock(TUESDAY_EVENING);
    const store = new RulesStore(runbook({ url }));
    const feeds = new HolidayFeeds(context.db, clock, store, new HealthState());
    expect(dueFromTuesday(store)).toBe('2026-11-04T00:45:00.000Z'); // before the feed: Wednesday
    await feeds.start();
    await feeds.stop();
    expect(dueFromTuesday(store)).toBe('2026-11-05T00:45:00.000Z'); // Wednesday off: Thursday 03:45

    server.status = 503; // the network is gone when the hub restarts
    const health = new HealthState();
    const restarted = new RulesStore(runbook({ url }));
    const again = new HolidayFeeds(context.db, clock, restarted, health);
    await again.start();
    await again.stop();
    expect(dueFromTuesday(restarted)).toBe('2026-11-05T00:45:00.000Z');
    expect(health.warnings).toHaveLength(1);
    expect(health.warnings[0]).toMatch(/calendars\.support\.holidays\.ics \(http:\/\/127\.0\.0\.1:\d+\/…\): HTTP 503 .*the last good copy stays in use/);
    expect(health.warnings[0]).not.toContain('feed-secret-key');
  });

  it('keeps the last good copy when the feed turns into garbage, tells the duty targets once, and recovers', async () => {
    server.status = 200;
    server.body = icsWithHolidays('2026-11-04');
    const clock = new VirtualClock(TUESDAY_EVENING);
    const store = new RulesStore(runbook({ url, refresh: '1h' }));
    const health = new HealthState();
    const feeds = new HolidayFeeds(context.db, clock, store, health);
    await feeds.start();

    server.body = '<html>maintenance</html>';
    const before = server.requests;
    await nextRefresh(clock);
    await waitFor(() => health.warnings.length === 1);
    await nextRefresh(clock); // a second failure does not notify again
    await waitFor(() => server.requests >= before + 2);
    expect(dueFromTuesday(store)).toBe('2026-11-05T00:45:00.000Z');
    const notices = await context.db.query<{ payload: { text: string } }>(`SELECT payload FROM deliveries WHERE payload->>'event' = 'operator.notice' AND payload->>'topic' = 'holidays.failed'`);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.payload.text).toMatch(/Holidays for calendar "support" could not be refreshed: not an iCalendar document/);

    server.body = icsWithHolidays('2026-11-04', '2026-11-05');
    await nextRefresh(clock);
    await waitFor(() => health.warnings.length === 0);
    await feeds.stop();
    expect(dueFromTuesday(store)).toBe('2026-11-06T00:45:00.000Z'); // Thursday off too now
  });

  it('reads a file source and re-reads it when it changes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'replywatch-ics-'));
    const file = path.join(dir, 'holidays.ics');
    writeFileSync(file, icsWithHolidays('2026-11-04'));
    const store = new RulesStore(runbook({ file }));
    const feeds = new HolidayFeeds(context.db, new VirtualClock(TUESDAY_EVENING), store, new HealthState());
    await feeds.start();
    expect(dueFromTuesday(store)).toBe('2026-11-05T00:45:00.000Z');
    writeFileSync(file, icsWithHolidays('2026-11-04', '2026-11-05'));
    await waitFor(() => dueFromTuesday(store) === '2026-11-06T00:45:00.000Z');
    await feeds.stop();
    expect(dueFromTuesday(store)).toBe('2026-11-06T00:45:00.000Z');
  });
});

/** Advances one refresh interval once the feed's loop is asleep waiting for it. */
async function nextRefresh(clock: VirtualClock): Promise<void> {
  await waitFor(() => clock.pendingSleepers > 0);
  await clock.advance(HOUR);
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error('condition not met in time');
}
