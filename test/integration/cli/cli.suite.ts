import { runCheckConfig } from '../../../src/cli/check-config.command';
import { runOutbox } from '../../../src/cli/outbox.command';
import { UsageError } from '../../../src/cli/usage-error';
import { ConfigError } from '../../../src/core/config/config-error';
import { OutboxStore } from '../../../src/core/outbox/outbox-store';
import { enqueue } from '../../support/outbox-harness';
import { cli } from '../../support/run-cli';
import { createTestDatabase, testBackend, type TestDatabase } from '../../support/test-database';

describe(`replywatch CLI (${testBackend})`, () => {
  let database: TestDatabase;
  let deadId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = await database.open();
    const clock = { now: () => Date.parse('2026-11-02T12:00:00Z') };
    await enqueue(db, clock, ['cli-dead', 'cli-pending']);
    const store = new OutboxStore(db);
    const [claimed] = (await store.claim('cli-test', new Date(clock.now()), 1000, 10)).rows.filter((d) => d.idempotency_key === 'cli-dead');
    await store.markDead(claimed!, new Date(clock.now()), { attempt: 1, at: '2026-11-02T12:00:00Z', outcome: 'failed', error: 'AUTH_FAILED: 401 from peer' });
    deadId = claimed!.id;
    await db.close(); // the embedded database allows one process (and one opener) at a time
  });

  afterAll(() => database.drop());

  it('lists dead letters with their last error', async () => {
    const { code, out } = await cli(() => runOutbox(['list', '--status', 'dead']), database);
    expect(code).toBe(0);
    expect(out).toContain(deadId);
    expect(out).toContain('last error: AUTH_FAILED: 401 from peer');
    expect(out).not.toContain('cli-pending');
  });

  it('sums up each connector and target: what waits, since when, and the last error', async () => {
    const { code, out } = await cli(() => runOutbox(['status']), database);
    expect(code).toBe(0);
    expect(out).toContain('duty → (unnamed target): 0 queued, 0 retrying, 1 in flight, 1 dead');
    expect(out).toContain('oldest waiting since 2026-11-02T12:00:00.000Z');
    expect(out).toContain('last error: AUTH_FAILED: 401 from peer');
    const json = await cli(() => runOutbox(['status', '--json']), database);
    expect(JSON.parse(json.out)).toEqual([{ connector: 'duty', target: '', queued: 0, retrying: 0, inFlight: 1, dead: 1, nextAttemptAt: null, oldestWaitingSince: '2026-11-02T12:00:00.000Z', lastError: 'AUTH_FAILED: 401 from peer', breaker: null }]);
  });

  it('says when a breaker or a pause holds a target, and when the next probe goes', async () => {
    const db = await database.open();
    await db.query(
      `INSERT INTO outbox_circuits (connector, target, state, reason, failures, opens, opened_at, probe_at, last_error, updated_at)
       VALUES ('duty', '', 'open', 'auth', 0, 1, '2026-11-02T12:00:00Z', '2026-11-02T12:10:00Z', 'AUTH_FAILED: 401 from peer', now())`,
    );
    await db.close();
    const { out } = await cli(() => runOutbox(['status']), database);
    expect(out).toContain('every delivery through duty is paused (credentials refused) since 2026-11-02T12:00:00.000Z, next probe at 2026-11-02T12:10:00.000Z');
    const reopened = await database.open();
    await reopened.query(`DELETE FROM outbox_circuits`);
    await reopened.close();
  });

  it('shows one delivery with its history', async () => {
    const { out } = await cli(() => runOutbox(['show', deadId]), database);
    expect(JSON.parse(out)).toMatchObject({ id: deadId, status: 'dead', idempotency_key: 'cli-dead', history: [{ outcome: 'failed' }] });
  });

  it('replays a dead letter with the same idempotency key', async () => {
    const { code, out } = await cli(() => runOutbox(['replay', deadId]), database);
    expect(code).toBe(0);
    expect(out).toMatch(/1 dead letter\(s\) queued again/);
    const after = await cli(() => runOutbox(['show', deadId]), database);
    expect(JSON.parse(after.out)).toMatchObject({ status: 'pending', idempotency_key: 'cli-dead', failures: 0 });
  });

  it('answers wrong words with a usage error', async () => {
    await expect(runOutbox(['frobnicate'])).rejects.toThrow(UsageError);
    await expect(runOutbox(['show', 'not-an-id'])).rejects.toThrow('expected a delivery id');
    await expect(runOutbox(['list', '--status', 'lost'])).rejects.toThrow('--status: expected one of');
  });

  it('check-config validates without opening the database', async () => {
    const { code, out } = await cli(() => runCheckConfig({ HUB_CONFIG: 'config/hub.example.yaml', RULES_FILE: 'config/rules.example.yaml' }), database);
    expect(code).toBe(0);
    expect(out).toMatch(/configuration is valid[\s\S]*inbound: +http[\s\S]*outbound: +log/);
    await expect(runCheckConfig({ HUB_CONFIG: 'config/hub.example.yaml', RULES_FILE: 'config/hub.example.yaml' })).rejects.toThrow(ConfigError);
  });
});
