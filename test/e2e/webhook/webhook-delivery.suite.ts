import { randomBytes, randomUUID } from 'node:crypto';
import { ingestBody, startTestHub, type TestHub } from '../../support/hub-harness';
import { until } from '../../support/mail-hub';
import { WebhookReceiver } from '../../support/webhook-receiver';

const whsec = () => `whsec_${randomBytes(32).toString('base64')}`;

interface DeliveryRow {
  status: string;
  last_error: string | null;
  attempts: number;
  target: { name: string };
  payload: { event: string; topic?: string; text: string };
}

/** The webhook connector against receivers that verify signatures with their own code. */
describe('signed webhooks', () => {
  const secret = whsec();
  const oldSecret = whsec();
  const newSecret = whsec();
  const ops = new WebhookReceiver([secret]);
  const rotating = new WebhookReceiver([oldSecret]);
  const filtered = new WebhookReceiver([secret]);
  let hub: TestHub;

  beforeAll(async () => {
    Object.assign(process.env, { TEST_WEBHOOK_SECRET: secret, TEST_WEBHOOK_NEW: newSecret, TEST_WEBHOOK_OLD: oldSecret });
    for (const receiver of [ops, rotating, filtered]) await receiver.start();
    hub = await startTestHub({
      hub: {
        outbox: { pollInterval: '100ms', baseDelay: '100ms', maxDelay: '300ms', attemptTimeout: '5s' },
        connectors: {
          http: { enabled: true, secret: '${TEST_INGEST_SECRET}' },
          log: { enabled: true },
          webhook: {
            alertTo: 'duty-log',
            maxResponseBytes: 2048,
            endpoints: [
              { name: 'ops', url: `${ops.url}/hook`, secretEnv: 'TEST_WEBHOOK_SECRET', timeout: '500ms' },
              { name: 'rotating', url: `${rotating.url}/hook`, secretEnv: 'TEST_WEBHOOK_NEW', previousSecretEnv: 'TEST_WEBHOOK_OLD' },
              { name: 'filtered', url: `${filtered.url}/hook`, secretEnv: 'TEST_WEBHOOK_SECRET', events: ['inquiry.answered'] },
            ],
          },
        },
      },
      rules: {
        duty: {
          targets: [
            { name: 'duty-log', connector: 'log', to: {} },
            { name: 'ops-hook', connector: 'webhook', to: { endpoint: 'ops' } },
            { name: 'rotating-hook', connector: 'webhook', to: { endpoint: 'rotating' } },
            { name: 'filtered-hook', connector: 'webhook', to: { endpoint: 'filtered' } },
          ],
        },
        notify: { inquiryOpened: ['ops-hook', 'rotating-hook', 'filtered-hook'], inquiryAnswered: ['ops-hook', 'filtered-hook'] },
      },
    });
  });

  afterAll(async () => {
    await hub?.close();
    for (const receiver of [ops, rotating, filtered]) await receiver.stop();
  });

  async function open(conversation: string): Promise<void> {
    const response = await hub.post(ingestBody({ conversation, id: randomUUID(), sentAt: new Date(Date.now() - 1000).toISOString() }));
    expect(response.status).toBe(200);
  }

  const forConversation = (receiver: WebhookReceiver, conversation: string) => receiver.received.filter((r) => (r.json?.data.conversation as { id?: string } | undefined)?.id === conversation);

  async function deliveries(target: string): Promise<DeliveryRow[]> {
    return hub.db.query<DeliveryRow>(`SELECT status, last_error, attempts, target, payload FROM deliveries WHERE target->>'name' = $1 ORDER BY created_at`, [target]);
  }

  it('posts each event once, signed, as a versioned envelope', async () => {
    await open('wh-1');
    await hub.post(ingestBody({ conversation: 'wh-1', role: 'staff', author: 'agent-1', sentAt: new Date().toISOString() }));
    await until('both events arrive', () => Promise.resolve(forConversation(ops, 'wh-1').length === 2));
    const [opened, answered] = forConversation(ops, 'wh-1');
    expect(opened?.verifiedBy).toBe(0);
    expect(opened?.json).toMatchObject({ type: 'inquiry.opened', version: 1, data: { event: 'inquiry.opened', conversation: { channel: 'http', id: 'wh-1' } } });
    expect(answered?.json?.type).toBe('inquiry.answered');
    expect(opened?.path).toBe('/hook');
    expect(opened?.id).not.toBe(answered?.id);
  });

  it('tells the receiver where the conversation is: data.conversation.link, null where the sender gave none', async () => {
    const body = ingestBody({ conversation: 'wh-link', id: randomUUID(), sentAt: new Date(Date.now() - 1000).toISOString() });
    expect((await hub.post({ ...body, message: { ...body.message, link: 'https://desk.example.com/tickets/wh-link?x=1&y=2' } })).status).toBe(200);
    await until('the ops endpoint got it', () => Promise.resolve(forConversation(ops, 'wh-link').length === 1));
    expect(forConversation(ops, 'wh-link')[0]?.json?.data).toMatchObject({ conversation: { channel: 'http', id: 'wh-link', link: 'https://desk.example.com/tickets/wh-link?x=1&y=2' } });
    expect(forConversation(ops, 'wh-1')[0]?.json?.data).toMatchObject({ event: 'inquiry.opened', conversation: { link: null } });
  });

  it('keeps the webhook-id through 5xx, a reset connection and a timeout, so the receiver can deduplicate', async () => {
    ops.reply({ status: 503 }, { reset: true }, { status: 204, delayMs: 1500 }, { status: 204 });
    await open('wh-2');
    await until('delivered after four attempts', async () => (await deliveries('ops-hook')).some((d) => d.status === 'delivered' && d.attempts === 4));
    const attempts = forConversation(ops, 'wh-2');
    expect(attempts).toHaveLength(4);
    expect(new Set(attempts.map((a) => a.id)).size).toBe(1);
    expect(attempts.every((a) => a.verifiedBy === 0)).toBe(true);
  });

  it('waits as long as Retry-After asks', async () => {
    ops.reply({ status: 429, headers: { 'retry-after': '1' } });
    await open('wh-3');
    await until('delivered after the wait', () => Promise.resolve(forConversation(ops, 'wh-3').length === 2));
    const [first, second] = forConversation(ops, 'wh-3');
    expect((second?.timestamp ?? 0) - (first?.timestamp ?? 0)).toBeGreaterThanOrEqual(1);
  });

  it('signs with both secrets during a rotation, so a receiver still on the old one accepts', async () => {
    await open('wh-4');
    await until('the rotating endpoint got it', () => Promise.resolve(forConversation(rotating, 'wh-4').length === 1));
    const [request] = forConversation(rotating, 'wh-4');
    expect(request?.signatures).toHaveLength(2);
    expect(request?.verifiedBy).toBe(0);
  });

  it('posts only the events an endpoint asks for', async () => {
    await open('wh-5');
    await hub.post(ingestBody({ conversation: 'wh-5', role: 'staff', author: 'agent-1', sentAt: new Date().toISOString() }));
    await until('the answer reaches the filtered endpoint', () => Promise.resolve(forConversation(filtered, 'wh-5').length === 1));
    expect(forConversation(filtered, 'wh-5')[0]?.json?.type).toBe('inquiry.answered');
    const filteredRows = (await deliveries('filtered-hook')).filter((d) => d.payload.event === 'inquiry.opened');
    expect(filteredRows.every((d) => d.status === 'delivered')).toBe(true);
  });

  it('dead-letters a redirect and a rejected payload at once, in the receiver’s words and capped', async () => {
    ops.reply({ status: 302, headers: { location: 'https://elsewhere.example/hook' } });
    await open('wh-6');
    ops.reply({ status: 422, body: `unknown field ${'x'.repeat(100_000)}` });
    await open('wh-7');
    await until('both dead', async () => (await deliveries('ops-hook')).filter((d) => d.status === 'dead').length === 2);
    const dead = (await deliveries('ops-hook')).filter((d) => d.status === 'dead');
    expect(dead.map((d) => d.attempts)).toEqual([1, 1]);
    expect(dead[0]?.last_error).toMatch(/redirected to https:\/\/elsewhere\.example\/hook .*redirects are not followed/);
    expect(dead[1]?.last_error).toMatch(/the receiver rejected the event \(HTTP 422: unknown field x+\)/);
    expect(dead[1]?.last_error?.length).toBeLessThan(1000);
  });

  it('replays a dead letter through the admin API with the same webhook-id and a fresh budget', async () => {
    const [redirected] = await hub.db.query<{ id: string; idempotency_key: string }>(`SELECT id, idempotency_key FROM deliveries WHERE status = 'dead' AND last_error LIKE '%redirected%'`);
    expect(redirected).toBeDefined();
    expect((await hub.command(`/api/v1/deliveries/${redirected!.id}/replay`)).status).toBe(200);
    await until('the replay is delivered', async () => (await hub.db.query<{ status: string }>(`SELECT status FROM deliveries WHERE id = $1`, [redirected!.id]))[0]?.status === 'delivered');
    const posts = forConversation(ops, 'wh-6');
    expect(posts.map((p) => p.id)).toEqual([redirected!.idempotency_key, redirected!.idempotency_key]);
    expect((await hub.command(`/api/v1/deliveries/${redirected!.id}/replay`)).status).toBe(409);
    expect((await hub.command(`/api/v1/deliveries/00000000-0000-4000-8000-000000000000/replay`)).status).toBe(404);
    expect((await hub.command('/api/v1/deliveries/replay', {})).status).toBe(422);
    const none = await hub.command('/api/v1/deliveries/replay', { connector: 'webhook', since: '2999-01-01T00:00:00Z' });
    expect(await none.json()).toEqual({ replayed: [] });
  });

  it('disables an endpoint that answers 410 Gone, tells the duty target once, and shows it on /health/ready', async () => {
    const deadCount = async () => (await deliveries('ops-hook')).filter((d) => d.status === 'dead').length;
    const deadBefore = await deadCount();
    ops.reply({ status: 410 });
    await open('wh-8');
    await until('dead-lettered', async () => (await deadCount()) === deadBefore + 1);
    const before = ops.received.length;
    await open('wh-9');
    await until('the next one is dead-lettered without a request', async () => (await deadCount()) === deadBefore + 2);
    expect(ops.received.length).toBe(before);
    const notices = (await deliveries('duty-log')).filter((d) => d.payload.topic === 'webhook.disabled');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.payload.text).toContain('Webhook endpoint ops was disabled');
    const ready = (await (await fetch(`${hub.url}/health/ready`)).json()) as { connectors: Record<string, { parts?: Array<{ name: string; status: string }> }> };
    expect(ready.connectors.webhook?.parts?.find((p) => p.name === 'ops')).toMatchObject({ status: 'down', detail: expect.stringMatching(/^disabled: 410 Gone at /) as unknown });
    expect(ready.connectors.webhook?.parts?.find((p) => p.name === 'rotating')?.status).toBe('up');
  });

  it('sums up the outbox per target through the admin API', async () => {
    const response = await hub.admin('/api/v1/deliveries/summary');
    expect(response.status).toBe(200);
    const { targets } = (await response.json()) as { targets: Array<{ connector: string; target: string; dead: number; lastError: string | null }> };
    const ops = targets.find((t) => t.target === 'ops-hook');
    expect(ops).toMatchObject({ connector: 'webhook' });
    expect(ops?.dead).toBeGreaterThanOrEqual(2);
    expect(ops?.lastError).toMatch(/endpoint ops/);
  });

  it('never shows a secret in errors or on /health/ready', async () => {
    const text = JSON.stringify(await hub.db.query(`SELECT last_error, history FROM deliveries`)) + (await (await fetch(`${hub.url}/health/ready`)).text());
    for (const value of [secret, oldSecret, newSecret]) expect(text).not.toContain(value.slice('whsec_'.length, 30));
  });
});
