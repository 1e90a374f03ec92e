import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { SlaCatalog } from '../../../src/core/sla/sla-catalog';
import { recomputeWaiting } from '../../../src/core/sla/recompute';
import { createSla, customer, seedRules } from '../../support/sla-harness';
import { testBackend, useTestDatabase } from '../../support/test-database';

const NOON = Date.parse('2026-11-02T09:00:00Z');
const min = (n: number) => NOON + n * 60_000;

describe(`recomputing waiting inquiries after a reload (${testBackend})`, () => {
  const context = useTestDatabase();

  it('moves deadlines to the new target and skips new marks that are already past instead of firing them', async () => {
    const clock = new VirtualClock(min(0));
    const { intake } = createSla(context.db, clock);
    await intake.accept('http', customer('c1', min(0), 'm1'));
    await clock.advanceTo(min(20));

    const faster = { ...seedRules, policies: [{ ...seedRules.policies[0]!, target: 30 * 60_000 }] };
    expect(await recomputeWaiting(context.db, new SlaCatalog(faster), clock.now())).toBe(1);
    expect(await context.db.query(`SELECT due_at, next_mark, next_attention_at FROM inquiries`)).toEqual([
      // ⚡ (15 min left → 12:15) is past and skipped; ❗ (5 min left → 12:25) is next.
      { due_at: new Date(min(30)), next_mark: 1, next_attention_at: new Date(min(25)) },
    ]);

    const scheduler = createSla(context.db, clock, faster).scheduler;
    await clock.advanceTo(min(25));
    expect((await scheduler.runOnce()).map((f) => f.level)).toEqual(['critical']);
  });

  it('leaves answered and resolved inquiries alone', async () => {
    const clock = new VirtualClock(min(0));
    const { intake } = createSla(context.db, clock);
    await intake.accept('http', customer('c2', min(0), 'x1'));
    await intake.accept('http', { ...customer('c2', min(5), 'x2'), author: { id: 'agent', role: 'staff' as const } });
    expect(await recomputeWaiting(context.db, new SlaCatalog(seedRules), min(6))).toBe(0);
  });
});
