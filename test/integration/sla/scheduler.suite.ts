import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { SLA_ATTENTION_PLANNED } from '../../../src/core/events/domain-events';
import { SlaCatalog } from '../../../src/core/sla/sla-catalog';
import { SlaScheduler } from '../../../src/core/sla/sla-scheduler';
import { createIntake } from '../../support/intake-harness';
import { createSla, customer, markDeliveries, seedRules, staff } from '../../support/sla-harness';
import { testBackend, useTestDatabase } from '../../support/test-database';

// Monday 2026-11-02, 12:00 in Moscow.
const NOON = Date.parse('2026-11-02T09:00:00Z');
const min = (n: number) => NOON + n * 60_000;

describe(`SLA marks (${testBackend})`, () => {
  const context = useTestDatabase();

  it('fires ⚡ at 12:45 and ❗ at 12:55, and nothing after a reply at 12:57', async () => {
    const clock = new VirtualClock(min(0));
    const { intake, scheduler } = createSla(context.db, clock);
    await intake.accept('http', customer('c1', min(0), 'm1'));

    await clock.advanceTo(min(44) + 59_000);
    expect(await scheduler.runOnce()).toEqual([]);
    await clock.advanceTo(min(45));
    expect((await scheduler.runOnce()).map((f) => [f.level, f.late])).toEqual([['warning', false]]);
    await clock.advanceTo(min(55));
    expect((await scheduler.runOnce()).map((f) => f.text)).toEqual(['5 minutes left — Chat c1']);
    await clock.advanceTo(min(57));
    await intake.accept('http', staff('c1', min(57), 'm2'));
    await clock.advanceTo(min(61));
    expect(await scheduler.runOnce()).toEqual([]);

    expect((await markDeliveries(context.db)).map((d) => d.text)).toEqual(['⚡ 15 minutes left — Chat c1', '❗ 5 minutes left — Chat c1']);
    const [row] = await context.db.query<{ breached: boolean; frt_business_ms: number }>(`SELECT breached, frt_business_ms FROM inquiries`);
    expect(row).toEqual({ breached: false, frt_business_ms: 57 * 60_000 });
  });

  it('is woken by intake only for an attention instant before its current sleep ends', async () => {
    const clock = new VirtualClock(min(0));
    const { intake, events } = createIntake(context.db, { rules: seedRules, clock });
    const scheduler = new SlaScheduler(context.db, clock, () => ({ rules: seedRules, sla: new SlaCatalog(seedRules) }), { batchSize: 100, pollInterval: 60 * 60_000 });
    events.on(SLA_ATTENTION_PLANNED, (at: number) => scheduler.wakeIfBefore(at));
    // A pass that finds nothing due no longer claims (runOnce); count the loop's passes themselves.
    const passes = jest.spyOn(scheduler as unknown as { pass(): Promise<number> }, 'pass');
    scheduler.start();
    try {
      await until(() => passes.mock.calls.length === 1);
      // Asleep until 13:00 (nothing open); the ⚡ of a new inquiry is due at 12:45: look again.
      await intake.accept('http', customer('c1', min(0), 'm1'));
      await until(() => passes.mock.calls.length === 2);
      // Now asleep until 12:45; a second inquiry's ⚡ at 12:45:30 is not earlier: no pass.
      await intake.accept('http', customer('c2', min(0) + 30_000, 'm2'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(passes.mock.calls).toHaveLength(2);
      await clock.advanceTo(min(45));
      let texts: string[] = [];
      await until(() => texts.includes('⚡ 15 minutes left — Chat c1'), async () => (texts = (await markDeliveries(context.db)).map((d) => d.text)));
    } finally {
      await scheduler.stop();
    }
  });

  it('fires ⚠️ SLA MISS at 13:00 without a reply and records the breach', async () => {
    const clock = new VirtualClock(min(0));
    const { intake, scheduler } = createSla(context.db, clock);
    await intake.accept('http', customer('c1', min(0), 'm1'));
    for (const at of [45, 55, 60]) {
      await clock.advanceTo(min(at));
      await scheduler.runOnce();
    }
    expect((await markDeliveries(context.db)).map((d) => d.text)).toEqual(['⚡ 15 minutes left — Chat c1', '❗ 5 minutes left — Chat c1', '⚠️ SLA MISS — Chat c1']);
    expect(await context.db.query(`SELECT breached, next_attention_at FROM inquiries`)).toEqual([{ breached: true, next_attention_at: null }]);
  });

  it('after downtime sends only the most severe missed mark, once, and says it is late', async () => {
    const clock = new VirtualClock(min(0));
    const { intake } = createSla(context.db, clock);
    await intake.accept('http', customer('c1', min(0), 'm1'));
    // The hub was down from 12:01 to 13:20; a fresh scheduler starts.
    await clock.advanceTo(min(80));
    const restarted = createSla(context.db, clock).scheduler;
    const fired = await restarted.runOnce();
    expect(fired.map((f) => [f.level, f.late, f.lateByMs])).toEqual([['breach', true, 20 * 60_000]]);
    expect(await restarted.runOnce()).toEqual([]);
    expect(await markDeliveries(context.db)).toEqual([{ key: expect.stringMatching(/:mark:2:duty$/) as string, text: '⚠️ SLA MISS — Chat c1', late: true }]);
    const [event] = await context.db.query<{ reason: string; data: { skipped: number[] } }>(`SELECT reason, data FROM inquiry_events WHERE type = 'mark'`);
    expect(event).toEqual({ reason: 'fired 1200 s late', data: expect.objectContaining({ skipped: [0, 1] }) as unknown });
  });

  it('counts marks in business time: an inquiry at 22:50 warns the next working morning', async () => {
    const clock = new VirtualClock(Date.parse('2026-11-02T19:50:00Z')); // Mon 22:50 Moscow
    const { intake, scheduler } = createSla(context.db, clock);
    await intake.accept('http', customer('c1', clock.now(), 'm1'));
    await clock.advanceTo(Date.parse('2026-11-03T00:34:00Z')); // Tue 03:34: 44 business minutes
    expect(await scheduler.runOnce()).toEqual([]);
    await clock.advanceTo(Date.parse('2026-11-03T00:35:00Z')); // 03:35: 45 business minutes
    expect((await scheduler.runOnce()).map((f) => f.level)).toEqual(['warning']);
  });

  it('runs as a loop that wakes up at the due instant by itself', async () => {
    const clock = new VirtualClock(min(0));
    const { intake, scheduler } = createSla(context.db, clock);
    const fired: string[] = [];
    scheduler.onFired = (mark) => fired.push(`${mark.level}@${new Date(clock.now()).toISOString()}`);
    await intake.accept('http', customer('c1', min(0), 'm1'));
    scheduler.start();
    for (let step = 0; step < 65 && fired.length < 3; step++) {
      // Advance only once the loop has finished its pass and sleeps until the next due instant.
      while (clock.pendingSleepers === 0) await new Promise((r) => setTimeout(r, 2));
      await clock.advance(60_000);
    }
    await scheduler.stop();
    expect(fired).toEqual([`warning@${new Date(min(45)).toISOString()}`, `critical@${new Date(min(55)).toISOString()}`, `breach@${new Date(min(60)).toISOString()}`]);
  });

  it('fires each mark exactly once when the process dies after writing deliveries but before committing', async () => {
    const clock = new VirtualClock(min(0));
    const { intake } = createSla(context.db, clock);
    for (let i = 0; i < 5; i++) await intake.accept('http', customer(`c${i}`, min(0), `m${i}`));
    await clock.advanceTo(min(45));

    // Everything the doomed scheduler writes happens inside its transaction, which then dies
    // (as a killed process's transaction is rolled back by the database).
    const dying = {
      backend: context.db.backend,
      query: context.db.query.bind(context.db),
      transaction: <T>(work: (sql: Parameters<Parameters<typeof context.db.transaction>[0]>[0]) => Promise<T>) =>
        context.db.transaction(async (sql) => {
          await work(sql);
          throw new Error('killed before commit');
        }),
    } as unknown as typeof context.db;
    const doomed = createSla(dying, clock).scheduler;
    await expect(doomed.runOnce()).rejects.toThrow('killed before commit');
    expect(await markDeliveries(context.db)).toEqual([]);

    const restarted = createSla(context.db, clock).scheduler;
    expect(await restarted.runOnce()).toHaveLength(5);
    expect(await restarted.runOnce()).toEqual([]);
    const deliveries = await markDeliveries(context.db);
    expect(deliveries).toHaveLength(5);
    expect(new Set(deliveries.map((d) => d.key)).size).toBe(5);
  });
});

/** Polls a condition on the real clock (the scheduler's loop runs on its own), refreshing what it reads first. */
async function until(condition: () => boolean, refresh: () => Promise<unknown> = () => Promise.resolve()): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    await refresh();
    if (condition()) return;
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
