import { TestTicketService } from '../../../src/plugins/testing';
import { AGENT_ID, API_USER_ID, zendeskSignature, zendeskTimestamp, type ZendeskEvent } from '../../support/fake-zendesk';
import { API_TOKEN, createPayload, EMAIL, REF, setUp, START, WEBHOOK_SECRET } from './zendesk-setup';

const CONFIG = { subdomain: 'acme', email: EMAIL, apiToken: API_TOKEN, webhook: { secret: WEBHOOK_SECRET } };

describe('zendesk connector: the webhook back-sync', () => {
  const teardown: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of teardown.splice(0).reverse()) await stop();
  });

  /** Ticket #1 in Zendesk, linked by the hub to an inquiry that waits. */
  async function linked(config: Record<string, unknown> = CONFIG) {
    const tickets = new TestTicketService();
    const setup = await setUp(teardown, { config, tickets });
    await setup.deliver(createPayload());
    tickets.link({
      ref: REF,
      target: 'zendesk-support',
      id: '1',
      key: '#1',
      url: 'https://acme.zendesk.com/agent/tickets/1',
      conversation: { channel: 'telegram', id: '-1001234567890:7', title: 'Acme Corp · support' },
      createdAt: new Date(START).toISOString(),
      waiting: ['inq_01HZX3K8Q4'],
    });
    const url = `${await setup.test.routes.url()}/zendesk/webhook`;
    const problem = async (response: Response) => (await response.json()) as { status: number; detail: string; header?: string };
    return { ...setup, tickets, url, problem };
  }

  it('a solved ticket closes the link, by the agent who solved it', async () => {
    const { zendesk, tickets, url } = await linked();
    const delivery = await zendesk.deliver(url, zendesk.agentSetStatus(1, 'solved'));
    expect(delivery.status).toBe(200);
    expect(tickets.events).toEqual([{ ref: REF, kind: 'closed', by: `zendesk:${AGENT_ID}`, reason: 'ticket #1 solved in Zendesk by Dana Agent' }]);
    expect(tickets.get(REF)).toBeUndefined();
  });

  it('a closed ticket closes the link', async () => {
    const { zendesk, tickets, url } = await linked();
    await zendesk.deliver(url, zendesk.agentSetStatus(1, 'closed'));
    expect(tickets.events.map((e) => [e.kind, e.by])).toEqual([['closed', `zendesk:${AGENT_ID}`]]);
  });

  it('a public comment by an agent answers, at the time Zendesk gives', async () => {
    const { zendesk, tickets, url, clock } = await linked();
    await clock.advance(90_000);
    const delivery = await zendesk.deliver(url, zendesk.agentComment(1, 'We are on it, Ann'));
    expect(delivery.status).toBe(200);
    expect(tickets.events).toEqual([{ ref: REF, kind: 'answered', by: `zendesk:${AGENT_ID}`, at: '2026-12-02T10:01:30.000Z' }]);
  });

  it('an internal note, and the hub’s own public comment, answer nothing', async () => {
    const { zendesk, tickets, url } = await linked();
    const note = zendesk.agentComment(1, 'Internal: check the logs');
    const internal: ZendeskEvent = { ...note, comment: { ...note.comment!, public: false } };
    expect((await zendesk.deliver(url, internal)).status).toBe(200);
    const own: ZendeskEvent = { ...note, comment: { ...note.comment!, id: 99, author: { id: API_USER_ID, role: 'agent' } } };
    expect((await zendesk.deliver(url, own)).status).toBe(200);
    expect(tickets.events).toEqual([]);
  });

  it('a ticket the hub did not link is acknowledged and ignored', async () => {
    const { zendesk, tickets, url } = await linked();
    await zendesk.deliver(url, zendesk.agentComment(1, 'first'));
    const other: ZendeskEvent = { ticket: { id: 77, status: 'solved', external_id: null, updated_at: zendeskTimestamp(START) }, event: 'ticket.solved' };
    const delivery = await zendesk.deliver(url, other);
    expect(delivery.status).toBe(200);
    expect(tickets.events.map((e) => e.kind)).toEqual(['answered']);
  });

  it('the same delivery twice (Zendesk repeats) is handled once', async () => {
    const { zendesk, tickets, url } = await linked();
    const first = await zendesk.deliver(url, zendesk.agentComment(1, 'We are on it'));
    const again = await zendesk.redeliver(first);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(tickets.events.filter((e) => e.kind === 'answered')).toHaveLength(1);
  });

  it('a delivery with Zendesk’s invocation id is handled once per id, whatever its bytes', async () => {
    const { zendesk, tickets, url, clock } = await linked();
    const event = zendesk.agentComment(1, 'We are on it');
    const post = (raw: string, invocation: string) => {
      const timestamp = zendeskTimestamp(clock.now());
      const headers = { 'content-type': 'application/json', 'x-zendesk-webhook-signature': zendeskSignature(WEBHOOK_SECRET, timestamp, raw), 'x-zendesk-webhook-signature-timestamp': timestamp, 'x-zendesk-webhook-invocation-id': invocation };
      return fetch(url, { method: 'POST', headers, body: raw });
    };
    expect((await post(JSON.stringify(event), 'inv-1')).status).toBe(200);
    expect((await post(JSON.stringify(event, null, 2), 'inv-1')).status).toBe(200);
    expect(tickets.events.filter((e) => e.kind === 'answered')).toHaveLength(1);
    expect((await post(JSON.stringify(event, null, 2), 'inv-2')).status).toBe(200);
    expect(tickets.events.filter((e) => e.kind === 'answered')).toHaveLength(2);
  });

  it('a delivery the hub failed to handle is not remembered: Zendesk’s retry is handled', async () => {
    class FailingOnce extends TestTicketService {
      failures = 1;
      override closed(ref: string, input: { by: string; reason?: string }): Promise<number> {
        if (this.failures-- > 0) return Promise.reject(new Error('database unavailable'));
        return super.closed(ref, input);
      }
    }
    const tickets = new FailingOnce();
    const { zendesk, deliver, test } = await setUp(teardown, { config: CONFIG, tickets });
    await deliver(createPayload());
    tickets.link({ ref: REF, target: 'zendesk-support', id: '1', key: '#1', url: null, conversation: { channel: 'telegram', id: 'c', title: null }, createdAt: new Date(START).toISOString(), waiting: ['inq_1'] });
    const url = `${await test.routes.url()}/zendesk/webhook`;
    const first = await zendesk.deliver(url, zendesk.agentSetStatus(1, 'solved'));
    expect(first.status).toBe(500);
    expect((await zendesk.redeliver(first)).status).toBe(200);
    expect(tickets.events.map((e) => e.kind)).toEqual(['closed']);
  });

  describe('refused deliveries change nothing', () => {
    it('a forged signature is 401 naming the signature header', async () => {
      const { zendesk, tickets, url } = await linked();
      const event = zendesk.agentSetStatus(1, 'solved');
      const forged = await fetchRaw(url, await zendesk.deliver('http://127.0.0.1:9/', event), { secret: 'not-the-secret' });
      expect(forged.status).toBe(401);
      const body = (await forged.json()) as { detail: string; header: string };
      expect(body.header).toBe('x-zendesk-webhook-signature');
      expect(body.detail).toContain('X-Zendesk-Webhook-Signature header does not match the body');
      expect(body.detail).not.toContain(WEBHOOK_SECRET);
      expect(tickets.events).toEqual([]);
      // Nothing was remembered either: the genuine delivery of the same body still counts.
      expect((await zendesk.deliver(url, event)).status).toBe(200);
      expect(tickets.events.map((e) => e.kind)).toEqual(['closed']);
    });

    it('through the fake’s own forging, and a stale or future timestamp, are 401 naming the header', async () => {
      const { zendesk, tickets, url } = await linked();
      const event = zendesk.agentSetStatus(1, 'solved');
      expect((await zendesk.deliver(url, event, { secret: 'another-secret' })).status).toBe(401);
      const stale = await zendesk.deliver(url, event, { skewMinutes: -6 });
      const future = await zendesk.deliver(url, event, { skewMinutes: 6 });
      expect([stale.status, future.status]).toEqual([401, 401]);
      const again = await fetch(url, { method: 'POST', headers: stale.headers, body: stale.raw });
      const refused = (await again.json()) as { detail: string; header: string };
      expect(refused.header).toBe('x-zendesk-webhook-signature-timestamp');
      expect(refused.detail).toContain('X-Zendesk-Webhook-Signature-Timestamp header is 6 min old');
      expect(tickets.events).toEqual([]);
      // Within the window is fine.
      expect((await zendesk.deliver(url, event, { skewMinutes: -4 })).status).toBe(200);
      expect(tickets.events).toHaveLength(1);
    });

    it('missing headers are 401 naming the missing one', async () => {
      const { zendesk, tickets, url, problem } = await linked();
      const genuine = await zendesk.deliver('http://127.0.0.1:9/', zendesk.agentSetStatus(1, 'solved'));
      const noSignature = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-zendesk-webhook-signature-timestamp': genuine.headers['x-zendesk-webhook-signature-timestamp']! }, body: genuine.raw });
      const noTimestamp = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-zendesk-webhook-signature': genuine.headers['x-zendesk-webhook-signature']! }, body: genuine.raw });
      expect([noSignature.status, noTimestamp.status]).toEqual([401, 401]);
      expect((await problem(noSignature)).detail).toContain('X-Zendesk-Webhook-Signature header is missing');
      expect((await problem(noTimestamp)).detail).toContain('X-Zendesk-Webhook-Signature-Timestamp header is missing');
      expect(tickets.events).toEqual([]);
    });

    it('a signed body that is not JSON, or has no ticket id, is 400', async () => {
      const { tickets, url, problem, clock } = await linked();
      const timestamp = zendeskTimestamp(clock.now());
      const post = (raw: string) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-zendesk-webhook-signature': zendeskSignature(WEBHOOK_SECRET, timestamp, raw), 'x-zendesk-webhook-signature-timestamp': timestamp }, body: raw });
      const notJson = await post('{"ticket": ');
      expect(notJson.status).toBe(400);
      const noId = await post('{"ticket":{"status":"solved"},"event":"ticket.solved"}');
      expect(noId.status).toBe(400);
      expect((await problem(noId)).detail).toContain('ticket.id');
      expect(tickets.events).toEqual([]);
    });
  });

  it('without a webhook section there is no route', async () => {
    const { zendesk, url } = await linked({ subdomain: 'acme', email: EMAIL, apiToken: API_TOKEN });
    expect((await zendesk.deliver(url, zendesk.agentSetStatus(1, 'solved'))).status).toBe(404);
  });
});

/** Re-signs a delivery's body with another secret and POSTs it. */
async function fetchRaw(url: string, delivery: { raw: string; headers: Record<string, string> }, options: { secret: string }): Promise<Response> {
  const timestamp = delivery.headers['x-zendesk-webhook-signature-timestamp']!;
  return fetch(url, { method: 'POST', headers: { ...delivery.headers, 'x-zendesk-webhook-signature': zendeskSignature(options.secret, timestamp, delivery.raw) }, body: delivery.raw });
}
