import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { freePort, postMessage, spawnHub, stopHub } from '../../support/hub-process';
import { until } from '../../support/mail-hub';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { WebhookReceiver } from '../../support/webhook-receiver';

const ENDPOINTS = ['a', 'b', 'c', 'd'];
const CONVERSATIONS = 40;
const RATE = 20;
const BURST = 5;
/** How far apart in time the receiver may see two requests the hubs sent together (see the check). */
const ARRIVAL_JITTER_MS = 250;

/**
 * Two hub processes on one PostgreSQL deliver to the same receivers: every event arrives once
 * (one webhook-id, one request), and the webhook connector's rate limit holds for both together.
 */
describe('signed webhooks from two replicas (postgres)', () => {
  const hookSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const ingestSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const receiver = new WebhookReceiver([hookSecret]);
  const log: string[] = [];
  const hubs: ChildProcess[] = [];
  const ports: number[] = [];
  let database: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    await receiver.start();
    database = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), 'replywatch-webhook-replicas-'));
    writeFileSync(
      path.join(dir, 'rules.yaml'),
      stringify({
        version: 1,
        // Every event on its own: no storm digest folds them.
        duty: { stormLimitPerMinute: 1000, targets: ENDPOINTS.map((e) => ({ name: `hook-${e}`, connector: 'webhook', to: { endpoint: e } })) },
        notify: { inquiryOpened: ENDPOINTS.map((e) => `hook-${e}`) },
      }),
    );
    for (const replica of [0, 1]) {
      const port = await freePort();
      ports.push(port);
      const configFile = path.join(dir, `hub-${replica}.yaml`);
      writeFileSync(
        configFile,
        stringify({
          server: { host: '127.0.0.1', port },
          database: { url: database.settings.url },
          rulesFile: path.join(dir, 'rules.yaml'),
          outbox: { pollInterval: '100ms', baseDelay: '200ms', maxDelay: '1s' },
          connectors: {
            http: { enabled: true, secret: ingestSecret },
            webhook: {
              delivery: { ratePerSecond: RATE, burst: BURST },
              endpoints: ENDPOINTS.map((e) => ({ name: e, url: `${receiver.url}/${e}`, secret: hookSecret })),
            },
          },
        }),
      );
    }
    // One after the other: the second waits for the first's migrations.
    for (const [replica, port] of ports.entries()) hubs.push(await spawnHub(path.join(dir, `hub-${replica}.yaml`), port, log));
  }, 90_000);

  afterAll(async () => {
    await Promise.all(hubs.map((hub) => stopHub(hub)));
    await receiver.stop();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('delivers each event once and holds the rate limit across both', async () => {
    // Messages go to both replicas, so both write deliveries and both claim them.
    for (let i = 0; i < CONVERSATIONS; i++) expect(await postMessage(ports[i % 2]!, ingestSecret, `replica-${i}`)).toBe(200);
    const total = CONVERSATIONS * ENDPOINTS.length;
    await until('every event is taken', () => Promise.resolve(receiver.acceptedIds().length >= total), 60_000).catch(async (error: unknown) => {
      const db = await database.open();
      const state = JSON.stringify([await db.query(`SELECT status, count(*), min(next_attempt_at), max(attempts) FROM deliveries GROUP BY 1`), await db.query('SELECT * FROM outbox_buckets'), await db.query('SELECT * FROM outbox_circuits'), new Date()]);
      await db.close();
      throw new Error(`${String(error)}: ${receiver.acceptedIds().length} of ${total}; ${state}; hub log: ${log.join('').slice(-1000)}`);
    });

    const ids = receiver.received.map((r) => r.id);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    const db = await database.open();
    try {
      const [claimants] = await db.query<{ n: number }>(`SELECT count(DISTINCT claimed_by)::int AS n FROM deliveries WHERE status = 'delivered'`);
      expect(claimants?.n).toBeGreaterThanOrEqual(2);
    } finally {
      await db.close();
    }

    // A token bucket lets through at most BURST + RATE × t in any window of t seconds. The
    // receiver sees arrivals, not sends: on a loaded machine requests the hubs sent apart can
    // reach it together (CI once counted 29 in a second against 28), so its window counts as
    // ARRIVAL_JITTER_MS longer. Without the limit all 160 arrive within a second.
    const arrivals = receiver.received.map((r) => r.arrivedAt).sort((x, y) => x - y);
    let busiest = 0;
    for (let i = 0, j = 0; i < arrivals.length; i++) {
      while ((arrivals[i] as number) - (arrivals[j] as number) >= 1000) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    expect(busiest).toBeLessThanOrEqual(BURST + Math.ceil((RATE * (1000 + ARRIVAL_JITTER_MS)) / 1000));
    // And it was the limit that paced them: without it, 160 requests take well under a second.
    expect((arrivals.at(-1) as number) - (arrivals[0] as number)).toBeGreaterThan(((total - BURST) / RATE) * 1000 * 0.8);
  }, 120_000);
});
