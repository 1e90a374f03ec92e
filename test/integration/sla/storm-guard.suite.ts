import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { rules } from '../../support/intake-harness';
import { createSla, customer } from '../../support/sla-harness';
import { testBackend, useTestDatabase } from '../../support/test-database';

const NOON = Date.parse('2026-11-02T09:00:00Z');
const min = (n: number) => NOON + n * 60_000;

const stormRules = rules({
  calendars: { always: { alwaysOpen: true } },
  duty: { targets: [{ name: 'duty', connector: 'log' }], stormLimitPerMinute: 5 },
  policies: [{ name: 'default', target: '60m', calendar: 'always', marks: [{ before: '15m', level: 'warning', emoji: '⚡', message: '{title}', actions: [{ notify: ['duty'] }] }] }],
});

describe(`storm guard (${testBackend})`, () => {
  const context = useTestDatabase();

  it('sends the first alerts of a minute one by one and gathers the rest into one digest', async () => {
    const clock = new VirtualClock(min(0));
    const { intake, scheduler } = createSla(context.db, clock, stormRules);
    await Promise.all(Array.from({ length: 12 }, (_, i) => intake.accept('http', customer(`c${i}`, min(0), `m${i}`))));
    await clock.advanceTo(min(45));
    expect(await scheduler.runOnce()).toHaveLength(12);

    const rows = await context.db.query<{ kind: string; next_attempt_at: Date; payload: { items?: Array<{ text: string }> } }>(
      `SELECT kind, next_attempt_at, payload FROM deliveries ORDER BY kind, created_at`,
    );
    expect(rows.filter((r) => r.kind === 'notify')).toHaveLength(5);
    const digests = rows.filter((r) => r.kind === 'digest');
    expect(digests).toHaveLength(1);
    expect(digests[0]!.payload.items).toHaveLength(7);
    expect(digests[0]!.next_attempt_at).toEqual(new Date(min(46))); // sent when the minute is over
    // Every alert went out exactly once: individually or inside the digest.
    const texts = [...rows.filter((r) => r.kind === 'notify').map(() => 1), ...digests[0]!.payload.items!.map(() => 1)];
    expect(texts).toHaveLength(12);
  });

  it('starts counting afresh in the next minute', async () => {
    const clock = new VirtualClock(min(0));
    const { intake, scheduler } = createSla(context.db, clock, stormRules);
    for (let i = 0; i < 8; i++) await intake.accept('http', customer(`a${i}`, min(0), `a${i}`));
    await clock.advanceTo(min(1));
    for (let i = 0; i < 3; i++) await intake.accept('http', customer(`b${i}`, min(1), `b${i}`));
    await clock.advanceTo(min(45));
    await scheduler.runOnce();
    await clock.advanceTo(min(46));
    await scheduler.runOnce();
    const [counts] = await context.db.query<{ notify: number; digests: number }>(
      `SELECT count(*) FILTER (WHERE kind = 'notify')::int AS notify, count(*) FILTER (WHERE kind = 'digest')::int AS digests FROM deliveries`,
    );
    expect(counts).toEqual({ notify: 5 + 3, digests: 1 });
  });
});
