import { randomBytes, randomUUID } from 'node:crypto';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { FakeSlack } from '../../support/fake-slack';
import { ingestBody, startTestHub, type TestHub } from '../../support/hub-harness';
import { advanceBy } from '../../support/telegram-harness';
import { WebhookReceiver } from '../../support/webhook-receiver';

const TOKEN = 'xoxb-3333-4444-policytoken';
const DUTY = 'C0POLICY001';

interface Breaker {
  connector: string;
  target: string;
  state: string;
  reason: string | null;
  failures: number;
  lastError: string | null;
}

/**
 * The outbox's delivery policy seen from outside: a breaker that opens on a failing receiver
 * and shows on /health/ready, in metrics and in the admin summary; a Slack bot whose token is
 * revoked pauses the connector and the duty targets hear it once; both resume by themselves.
 */
describe('delivery policy: breakers and pauses', () => {
  const clock = new VirtualClock(new Date().toISOString());
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const receiver = new WebhookReceiver([secret], () => clock.now());
  const slack = new FakeSlack(TOKEN, () => clock.now());
  let hub: TestHub;

  beforeAll(async () => {
    process.env.TEST_POLICY_SECRET = secret;
    await receiver.start();
    await slack.start();
    slack.channel(DUTY);
    slack.minIntervalMs = 0;
    hub = await startTestHub({
      clock,
      hub: {
        // Virtual time: the loops wake on this hub's own writes; a short poll (meant for rows
        // other replicas write) would only add idle passes per simulated minute.
        outbox: { pollInterval: '10m', baseDelay: '1s', maxDelay: '2s', maxAttempts: 20, breaker: { failures: 3, openFor: '30s', maxOpenFor: '1m' }, authPause: '2m' },
        connectors: {
          http: { enabled: true, secret: '${TEST_INGEST_SECRET}' },
          log: { enabled: true },
          webhook: { endpoints: [{ name: 'ops', url: `${receiver.url}/hook`, secretEnv: 'TEST_POLICY_SECRET', timeout: '2s' }] },
          slack: { token: TOKEN, apiUrl: `${slack.url}/api` },
        },
      },
      rules: {
        duty: {
          targets: [
            { name: 'duty-log', connector: 'log', to: {} },
            { name: 'ops-hook', connector: 'webhook', to: { endpoint: 'ops' } },
            { name: 'slack-duty', connector: 'slack', to: { channel: DUTY } },
          ],
        },
        notify: { inquiryOpened: ['ops-hook', 'slack-duty'] },
      },
    });
  });

  afterAll(async () => {
    await hub?.close();
    await receiver.stop();
    await slack.stop();
  });

  async function open(conversation: string): Promise<void> {
    const response = await hub.post(ingestBody({ conversation, id: randomUUID(), sentAt: new Date(clock.now() - 1000).toISOString() }));
    expect(response.status).toBe(200);
  }

  async function ready(): Promise<{ status: string; outbox: { breakers: Breaker[] } }> {
    return (await (await fetch(`${hub.url}/health/ready`)).json()) as { status: string; outbox: { breakers: Breaker[] } };
  }

  async function counts(connector: string): Promise<Record<string, number>> {
    const rows = await hub.db.query<{ status: string; n: number | string }>(`SELECT status, count(*) AS n FROM deliveries WHERE connector = $1 GROUP BY status`, [connector]);
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  it('opens a breaker on a failing receiver, shows it, holds deliveries without asking again, and lets them go once it answers', async () => {
    receiver.otherwise = () => ({ status: 503, body: 'maintenance' });
    for (let i = 0; i < 4; i++) await open(`br-${i}`);
    await advanceBy(clock, 10_000, 1000);

    const health = await ready();
    expect(health.status).toBe('degraded');
    expect(health.outbox.breakers).toEqual([expect.objectContaining({ connector: 'webhook', target: 'ops-hook', state: 'open', reason: 'failures' })]);
    // Three in a row open it. Attempts already in flight when it opened (the worker sends all
    // four at once, and an early failure may have been retried before the third landed) count
    // too: every refused request is one failure, no more and no less.
    expect(health.outbox.breakers[0]?.failures).toBeGreaterThanOrEqual(3);
    expect(health.outbox.breakers[0]?.failures).toBe(receiver.received.length);
    expect(health.outbox.breakers[0]?.lastError).toContain('503');
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toContain('replywatch_outbox_breaker_state{connector="webhook",target="ops-hook",reason="failures"} 2');
    const summary = (await (await hub.admin('/api/v1/deliveries/summary')).json()) as { targets: Array<{ target: string; breaker: Breaker | null }> };
    expect(summary.targets.find((t) => t.target === 'ops-hook')?.breaker).toMatchObject({ state: 'open' });

    // Held: no request while the breaker is open, however many retries fall due.
    const asked = receiver.received.length;
    await advanceBy(clock, 15_000, 1000);
    expect(receiver.received.length).toBe(asked);

    receiver.otherwise = () => ({ status: 204 });
    await advanceBy(clock, 30_000, 1000);
    expect(await counts('webhook')).toEqual({ delivered: 4 });
    expect(receiver.acceptedIds()).toHaveLength(4);
    expect(new Set(receiver.acceptedIds()).size).toBe(4);
    expect((await ready()).outbox.breakers).toEqual([]);
  });

  it('pauses Slack when its token is revoked, tells the other duty targets once, and resumes after a good probe', async () => {
    const before = slack.posts.length;
    slack.token = 'xoxb-revoked';
    for (let i = 0; i < 3; i++) await open(`pause-${i}`);
    await advanceBy(clock, 10_000, 1000);

    expect(await counts('slack')).toMatchObject({ pending: expect.any(Number) as number });
    expect((await counts('slack')).dead).toBeUndefined();
    const health = await ready();
    expect(health.outbox.breakers).toEqual([expect.objectContaining({ connector: 'slack', target: '', reason: 'auth', state: 'open' })]);
    expect(health.outbox.breakers[0]?.lastError).toContain('invalid_auth');
    expect(JSON.stringify(health)).not.toContain(TOKEN);

    // A probe after the pause is refused again: still no second notice.
    await advanceBy(clock, 150_000, 5000);
    const notices = await hub.db.query<{ target: { name: string }; payload: { topic: string; text: string } }>(
      `SELECT target, payload FROM deliveries WHERE payload->>'topic' = 'outbox.paused'`,
    );
    // Every duty target but the paused one hears it, once.
    expect(notices.map((n) => n.target.name).sort()).toEqual(['duty-log', 'ops-hook']);
    expect(notices[0]?.payload.text).toContain('every delivery through slack paused');
    expect(notices[0]?.payload.text).toContain('invalid_auth');

    slack.token = TOKEN;
    await advanceBy(clock, 150_000, 5000);
    expect(await counts('slack')).toEqual({ delivered: 7 });
    expect(slack.posts.length - before).toBe(3);
    expect((await ready()).outbox.breakers).toEqual([]);
  });
});
