import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { ConnectorError, type ConnectorLogger } from '../../../src/plugins/sdk';
import { migrateConnector, ScopedDatabase } from '../../../src/plugins/host/services/connector-database';
import { JobRunner } from '../../../src/plugins/host/services/job-runner';
import { SingletonRunner } from '../../../src/plugins/host/services/singleton-runner';
import { DatabaseStateStore, purgeExpiredState } from '../../../src/plugins/host/services/state-store';
import { testBackend, useTestDatabase } from '../../support/test-database';

function collectingLogger(): ConnectorLogger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string) => lines.push(`${level} ${message}`);
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** Real-time wait while the virtual clock stands still: lets database round trips finish. */
async function settle(check: () => boolean | Promise<boolean>, clock: VirtualClock, timeoutMs = 5000): Promise<void> {
  for (let waited = 0; !(await check()); waited += 10) {
    if (waited > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
    await clock.advance(0);
  }
}

describe(`connector services (${testBackend})`, () => {
  const context = useTestDatabase();

  it('keeps state per connector with versions, compare-and-set, prefixes and expiry', async () => {
    const clock = new VirtualClock('2026-12-01T10:00:00Z');
    const imap = new DatabaseStateStore(context.db, clock, 'imap');
    const other = new DatabaseStateStore(context.db, clock, 'other');
    expect(await imap.get('cursor')).toBeUndefined();
    expect(await imap.compareAndSet('cursor', undefined, { uidValidity: 7, uid: 100 })).toBe(1);
    expect(await imap.compareAndSet('cursor', undefined, { uidValidity: 7, uid: 999 })).toBe(false);
    expect(await imap.compareAndSet('cursor', 1, { uidValidity: 7, uid: 101 })).toBe(2);
    expect(await imap.compareAndSet('cursor', 1, { uidValidity: 7, uid: 999 })).toBe(false);
    expect(await imap.get('cursor')).toEqual({ value: { uidValidity: 7, uid: 101 }, version: 2 });
    expect(await other.get('cursor')).toBeUndefined();

    await imap.set('part:k:1', 11);
    await imap.set('part:k:0', 10);
    await imap.set('partial', 'not under part:');
    expect((await imap.list<number>('part:')).map((e) => [e.key, e.value])).toEqual([
      ['part:k:0', 10],
      ['part:k:1', 11],
    ]);

    await imap.set('lease-note', 'short-lived', { ttlMs: 60_000 });
    await clock.advance(60_001);
    expect(await imap.get('lease-note')).toBeUndefined();
    expect(await imap.list('lease')).toEqual([]);
    // An expired key counts as absent for "only if absent".
    expect(await imap.compareAndSet('lease-note', undefined, 'again')).toEqual(expect.any(Number));
    await imap.set('gone-soon', 1, { ttlMs: 1000 });
    await clock.advance(1001);
    expect(await purgeExpiredState(context.db, new Date(clock.now()))).toBe(1);

    await expect(imap.set('huge', 'x'.repeat(300_000))).rejects.toThrow(/above the 262144 a state key may hold/);
    await expect(imap.set('', 1)).rejects.toThrow(/state key must be/);
    expect(await imap.delete('cursor')).toBe(true);
    expect(await imap.delete('cursor')).toBe(false);
  });

  it('lets exactly one of two racing writers win a compare-and-set', async () => {
    const clock = new VirtualClock('2026-12-01T10:00:00Z');
    const a = new DatabaseStateStore(context.db, clock, 'race');
    const b = new DatabaseStateStore(context.db, clock, 'race');
    const first = await Promise.all([a.compareAndSet('cursor', undefined, 'a'), b.compareAndSet('cursor', undefined, 'b')]);
    expect(first.filter((v) => v !== false)).toEqual([1]);
    const second = await Promise.all([a.compareAndSet('cursor', 1, 'a2'), b.compareAndSet('cursor', 1, 'b2')]);
    expect(second.filter((v) => v !== false)).toEqual([2]);
  });

  it("applies a connector's migrations once, in a schema of its own that cannot see the hub's tables", async () => {
    const clock = new VirtualClock('2026-12-01T10:00:00Z');
    const migrations = [
      { name: '001-seen', up: 'CREATE TABLE seen (id text PRIMARY KEY)' },
      { name: '002-at', up: 'ALTER TABLE seen ADD COLUMN at timestamptz' },
    ];
    expect(await migrateConnector(context.db, clock, 'feed-poller', migrations)).toEqual(['001-seen', '002-at']);
    expect(await migrateConnector(context.db, clock, 'feed-poller', migrations)).toEqual([]);
    await expect(migrateConnector(context.db, clock, 'feed-poller', [migrations[0]!, migrations[0]!])).rejects.toThrow(/unique/);

    const own = new ScopedDatabase(context.db, 'feed-poller');
    await own.query(`INSERT INTO seen (id, at) VALUES ($1, $2)`, ['a', new Date(clock.now())]);
    expect(await context.db.query(`SELECT id FROM connector_feed_poller.seen`)).toEqual([{ id: 'a' }]);
    await expect(own.query(`SELECT count(*) FROM inquiries`)).rejects.toThrow(/relation "inquiries" does not exist/);
    await expect(
      own.transaction(async (sql) => {
        await sql.query(`INSERT INTO seen (id) VALUES ('b')`);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await own.query(`SELECT id FROM seen ORDER BY id`)).toEqual([{ id: 'a' }]);
  });

  it('runs singleton work again after a failure, waiting the backoff or what the error asked for', async () => {
    const clock = new VirtualClock('2026-12-01T10:00:00Z');
    const logger = collectingLogger();
    const calls: number[] = [];
    const runner = new SingletonRunner(context.db, clock, logger, 'x/poll', 'replica-a', async (signal) => {
      calls.push(clock.now());
      if (calls.length === 1) throw new Error('peer unreachable');
      if (calls.length === 2) throw new ConnectorError('RATE_LIMITED', 'flood control', { retryAfterMs: 5000 });
      await clock.sleep(60_000, signal);
    });
    try {
      await settle(() => calls.length === 1, clock);
      await clock.advance(1000);
      await settle(() => calls.length === 2, clock);
      await clock.advance(4999);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(calls).toHaveLength(2);
      await clock.advance(1);
      await settle(() => calls.length === 3, clock);
      expect(calls.map((t) => t - calls[0]!)).toEqual([0, 1000, 6000]);
      expect(runner.held).toBe(true);
      expect(logger.lines.filter((l) => l.startsWith('warn')).map((l) => l.replace(/\(.*\)/, '(…)'))).toEqual([
        'warn singleton x/poll failed (…); running it again in 1 s',
        'warn singleton x/poll failed (…); running it again in 5 s',
      ]);
    } finally {
      await runner.stop();
    }
    // Stopping hands the lease back.
    expect(await context.db.query(`SELECT name FROM connector_leases`)).toEqual([]);
  });

  it('stops singleton work that is stopped while it claims the lease', async () => {
    const clock = new VirtualClock('2026-12-01T10:00:00Z');
    let calls = 0;
    const runner = new SingletonRunner(context.db, clock, collectingLogger(), 'x/quick', 'replica-a', (signal) => {
      calls++;
      return clock.sleep(60_000, signal);
    });
    await runner.stop();
    expect(calls).toBeLessThanOrEqual(1);
    expect(await context.db.query(`SELECT name FROM connector_leases`)).toEqual([]);
  });

  it('runs a scheduled job once per due time, whichever replicas run the loop', async () => {
    const clock = new VirtualClock('2026-12-01T10:00:00Z');
    const runs: Array<{ replica: string; at: number }> = [];
    const work = (replica: string) => () => {
      runs.push({ replica, at: clock.now() });
      return Promise.resolve();
    };
    const jobs = [new JobRunner(context.db, clock, collectingLogger(), 'feed/poll', 60_000, work('a')), new JobRunner(context.db, clock, collectingLogger(), 'feed/poll', 60_000, work('b'))];
    try {
      await settle(() => runs.length === 1, clock);
      // Second by second for a little over three minutes, letting each replica's database
      // round trips finish before time moves on.
      for (let second = 1; second <= 190; second++) {
        await clock.advance(1000);
        for (let i = 0; i < 3; i++) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          await clock.advance(0);
        }
      }
      await settle(() => runs.length >= 4, clock);
      const gaps = runs.slice(1).map((run, i) => run.at - runs[i]!.at);
      // One run per due time: never two in one interval, none skipped.
      expect(runs).toHaveLength(4);
      expect(gaps.every((gap) => gap >= 60_000 && gap < 62_000)).toBe(true);
      const [row] = await context.db.query<{ last_error: string | null; ticket: string | null }>(`SELECT last_error, ticket FROM connector_jobs`);
      expect(row).toEqual({ last_error: null, ticket: null });
    } finally {
      await Promise.all(jobs.map((j) => j.stop()));
    }
  });

  it('puts a scheduled job off for as long as a rate-limited peer asked', async () => {
    const clock = new VirtualClock('2026-12-01T10:00:00Z');
    const runs: number[] = [];
    const job = new JobRunner(context.db, clock, collectingLogger(), 'feed/limited', 60_000, () => {
      runs.push(clock.now());
      return runs.length === 1 ? Promise.reject(new ConnectorError('RATE_LIMITED', '429 from the feed', { retryAfterMs: 300_000 })) : Promise.resolve();
    });
    try {
      await settle(() => runs.length === 1, clock);
      await settle(async () => (await context.db.query(`SELECT 1 FROM connector_jobs WHERE last_error IS NOT NULL`)).length === 1, clock);
      await clock.advance(299_000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(runs).toHaveLength(1);
      await clock.advance(1000);
      await settle(() => runs.length === 2, clock);
      expect(runs[1]! - runs[0]!).toBe(300_000);
    } finally {
      await job.stop();
    }
  });
});
