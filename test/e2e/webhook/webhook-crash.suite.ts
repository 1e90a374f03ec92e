import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { freePort, postMessage, spawnHub } from '../../support/hub-process';
import { until } from '../../support/mail-hub';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';
import { WebhookReceiver } from '../../support/webhook-receiver';

const EVENTS = 12;

/**
 * The hub killed with SIGKILL while it is posting webhooks: after a restart every event
 * arrives, and whatever the receiver saw twice carries the same webhook-id (it deduplicates).
 */
describe('signed webhooks across a SIGKILL mid-delivery', () => {
  const hookSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const ingestSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const receiver = new WebhookReceiver([hookSecret]);
  let database: TestDatabase;
  let dir: string;
  let port: number;
  let hub: ChildProcess | undefined;
  const log: string[] = [];

  beforeAll(async () => {
    await receiver.start();
    database = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), 'replywatch-webhook-crash-'));
    port = await freePort();
    writeFileSync(path.join(dir, 'rules.yaml'), stringify({ version: 1, duty: { targets: [{ name: 'ops-hook', connector: 'webhook', to: { endpoint: 'ops' } }] }, notify: { inquiryOpened: ['ops-hook'] } }));
    writeFileSync(
      path.join(dir, 'hub.yaml'),
      stringify({
        server: { host: '127.0.0.1', port },
        database: database.settings.url ? { url: database.settings.url } : { dataDir: database.settings.dataDir, sharedBuffers: database.settings.sharedBuffers },
        rulesFile: path.join(dir, 'rules.yaml'),
        // A claim held by the killed process is taken over 3 s later; the default schedule's
        // first retry would wait 5 s, so retries here are quick instead.
        outbox: { pollInterval: '200ms', baseDelay: '200ms', maxDelay: '1s', lease: '3s', attemptTimeout: '2s' },
        connectors: {
          http: { enabled: true, secret: ingestSecret },
          webhook: { endpoints: [{ name: 'ops', url: `${receiver.url}/hook`, secret: hookSecret, timeout: '1500ms' }] },
        },
      }),
    );
  });

  afterAll(async () => {
    if (hub && hub.exitCode === null && hub.signalCode === null) hub.kill('SIGKILL');
    await receiver.stop();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function startHub(): Promise<ChildProcess> {
    hub = await spawnHub(path.join(dir, 'hub.yaml'), port, log);
    return hub;
  }

  async function post(conversation: string): Promise<void> {
    expect(await postMessage(port, ingestSecret, conversation)).toBe(200);
  }

  it('delivers every event after the restart; repeats only with the same webhook-id', async () => {
    const first = await startHub();
    // The receiver takes its time: the hub is killed with attempts in flight.
    receiver.otherwise = () => ({ status: 204, delayMs: 700 });
    for (let i = 0; i < EVENTS; i++) await post(`crash-${i}`);
    await until('the first attempt reaches the receiver', () => Promise.resolve(receiver.received.length > 0), 15_000);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    receiver.otherwise = () => ({ status: 204 });

    await startHub();
    await until('every event is taken', () => Promise.resolve(new Set(receiver.acceptedIds()).size === EVENTS), 60_000);
    const ids = receiver.received.map((r) => r.id);
    expect(new Set(ids).size).toBe(EVENTS);
    expect(ids.every((id) => /^inquiry:[0-9a-f-]{36}:opened:ops-hook$/.test(id))).toBe(true);
    expect(receiver.received.every((r) => r.verifiedBy === 0)).toBe(true);
    hub?.kill('SIGTERM');
    await new Promise((resolve) => hub?.once('exit', resolve));
  }, 120_000);
});
