import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { createSla, customer, markDeliveries, seedRules } from '../../support/sla-harness';
import { useReplicaDatabases } from '../../support/test-database';

const NOON = Date.parse('2026-11-02T09:00:00Z'); // Monday 12:00 Moscow

describe('SLA marks across replicas (postgres)', () => {
  const replicaDbs = useReplicaDatabases(3);

  it('fires every mark exactly once when three schedulers run at the same instants', async () => {
    const clock = new VirtualClock(NOON);
    // All 120 open at noon; the storm guard would turn most alerts into digests, which is not
    // what this test is about (storm-guard.suite.ts is).
    const runbook = { ...seedRules, duty: { ...seedRules.duty, stormLimitPerMinute: 10_000 } };
    const hubs = replicaDbs.all.map((db) => createSla(db, clock, runbook));
    for (let i = 0; i < 120; i++) await hubs[i % 3]!.intake.accept('http', customer(`c${i}`, NOON, `m${i}`));

    for (let minute = 1; minute <= 80; minute += 1) {
      await clock.advanceTo(NOON + minute * 60_000);
      await Promise.all(hubs.map((hub) => hub.scheduler.runOnce()));
    }
    const deliveries = await markDeliveries(replicaDbs.all[0]!);
    expect(deliveries).toHaveLength(120 * 3);
    expect(new Set(deliveries.map((d) => d.key)).size).toBe(360);
    const [events] = await replicaDbs.all[0]!.query<{ n: number }>(`SELECT count(*)::int AS n FROM inquiry_events WHERE type = 'mark'`);
    expect(events?.n).toBe(360);
  });
});
