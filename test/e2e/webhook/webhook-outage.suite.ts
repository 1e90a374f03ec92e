import { randomBytes, randomUUID } from 'node:crypto';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { ingestBody, startTestHub, type TestHub } from '../../support/hub-harness';
import { until } from '../../support/mail-hub';
import { advanceBy } from '../../support/telegram-harness';
import { WebhookReceiver } from '../../support/webhook-receiver';

/**
 * A receiver down for an hour of virtual time, on the default retry schedule: nothing is
 * dead-lettered, and once it is back every event is taken exactly once.
 */
describe('signed webhooks through an hour-long outage', () => {
  const clock = new VirtualClock(new Date().toISOString());
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const receiver = new WebhookReceiver([secret], () => clock.now());
  let hub: TestHub;

  beforeAll(async () => {
    process.env.TEST_WEBHOOK_OUTAGE_SECRET = secret;
    await receiver.start();
    hub = await startTestHub({
      clock,
      hub: {
        // No baseDelay: the default retry schedule (5 s, 5 min, 30 min, 2 h, …). Virtual time
        // jumps a minute at a step: an attempt timeout shorter than that would give up on
        // requests still running in real time (the receiver would then see them twice, with
        // the same webhook-id, which it deduplicates; this test wants the plain path).
        outbox: { pollInterval: '10m', attemptTimeout: '10m', lease: '15m' },
        connectors: {
          http: { enabled: true, secret: '${TEST_INGEST_SECRET}' },
          webhook: { endpoints: [{ name: 'ops', url: `${receiver.url}/hook`, secretEnv: 'TEST_WEBHOOK_OUTAGE_SECRET', timeout: '2s' }] },
        },
      },
      rules: { duty: { targets: [{ name: 'ops-hook', connector: 'webhook', to: { endpoint: 'ops' } }] }, notify: { inquiryOpened: ['ops-hook'] } },
    });
  });

  afterAll(async () => {
    await hub?.close();
    await receiver.stop();
  });

  it('delivers every event once after the receiver comes back', async () => {
    const backAt = clock.now() + 3_600_000;
    receiver.otherwise = () => (clock.now() < backAt ? { status: 503, body: 'maintenance' } : { status: 204 });
    for (let i = 0; i < 20; i++) {
      const response = await hub.post(ingestBody({ conversation: `outage-${i}`, id: randomUUID(), sentAt: new Date(clock.now() - 1000).toISOString() }));
      expect(response.status).toBe(200);
    }
    // Three virtual hours in one-minute steps: the outage, then the schedule's 2 h retry.
    await advanceBy(clock, 3 * 3_600_000, 60_000);
    // The 19 behind the first go one after another, each in real time: let them finish.
    await until('every event is delivered', async () => {
      await clock.advance(1000);
      const [waiting] = await hub.db.query<{ n: number | string }>(`SELECT count(*) AS n FROM deliveries WHERE status <> 'delivered'`);
      return Number(waiting?.n) === 0;
    }, 30_000);
    const rows = await hub.db.query<{ status: string; n: number | string }>(`SELECT status, count(*) AS n FROM deliveries GROUP BY status`);
    expect(rows.map((r) => [r.status, Number(r.n)])).toEqual([['delivered', 20]]);
    const accepted = receiver.acceptedIds();
    expect(accepted).toHaveLength(20);
    expect(new Set(accepted).size).toBe(20);
    // Webhooks need no order, so all were tried at once; the breaker then held them and only
    // its probes reached the receiver until it answered again.
    // Without it each of the 20 would have been refused four times within the hour (at once,
    // 5 s, 5 min and 30 min later): 80. With it, at most the first claims plus one probe each
    // time the breaker's wait ran out (30 s doubling to 10 min: 9 in the hour).
    const refused = receiver.received.filter((r) => r.answered === 503);
    // Several were tried while it was down: none waited behind another (webhooks keep no order).
    expect(new Set(refused.map((r) => r.id)).size).toBeGreaterThan(1);
    expect(refused.length).toBeLessThanOrEqual(16 + 9);
  });
});
