import axios, { AxiosError, type AxiosInstance } from 'axios';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo } from 'node:net';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { AGENT_ID, API_USER_ID, FakeZendesk, faults, type FakeZendeskOptions, type ZendeskTicket } from '../../support/fake-zendesk';

const EMAIL = 'hub@acme.test';
const API_TOKEN = 'zd-api-token-1';
const OAUTH = 'zd-oauth-1';
const SECRET = 'dGhpcyBpcyBhIHNpZ25pbmcgc2VjcmV0';
const START = '2026-12-02T10:00:00Z';
const basic = (email: string, token: string) => `Basic ${Buffer.from(`${email}/token:${token}`).toString('base64')}`;

const newTicket = (over: Record<string, unknown> = {}) => ({
  ticket: { subject: 'No reply in 2 h', comment: { body: 'Chat with Ann waits for an answer', public: true }, requester: { name: 'Ann', email: 'ann@customer.test' }, priority: 'high', ...over },
});

describe('FakeZendesk: the Support API wire', () => {
  const teardown: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of teardown.splice(0).reverse()) await stop();
  });

  async function peer(options: Partial<FakeZendeskOptions> = {}) {
    const clock = new VirtualClock(START);
    const zendesk = new FakeZendesk({ subdomain: 'acme', email: EMAIL, apiToken: API_TOKEN, oauthToken: OAUTH, clock, webhookSecret: SECRET, ...options });
    const baseURL = await zendesk.start();
    teardown.push(() => zendesk.stop());
    const api: AxiosInstance = axios.create({ baseURL, headers: { authorization: basic(EMAIL, API_TOKEN) }, validateStatus: () => true });
    return { zendesk, clock, api };
  }

  /** A webhook endpoint that keeps each request's raw body and headers, answering 200. */
  async function receiver() {
    const received: Array<{ headers: IncomingHttpHeaders; raw: string }> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    teardown.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/zendesk`, received };
  }

  /** Verification written apart from the peer's signer: base64 HMAC-SHA256(secret text, timestamp + body). */
  function verifies(secret: string, headers: IncomingHttpHeaders, raw: string): boolean {
    const timestamp = String(headers['x-zendesk-webhook-signature-timestamp']);
    const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${timestamp}${raw}`, 'utf8').digest();
    const given = Buffer.from(String(headers['x-zendesk-webhook-signature']), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  describe('tickets', () => {
    it('creates a ticket with api-token auth, stamped by the injected clock, and reads it back with its first comment', async () => {
      const { zendesk, clock, api } = await peer();
      const created = await api.post<{ ticket: ZendeskTicket; audit: { events: Array<{ type: string }> } }>('/api/v2/tickets.json', newTicket({ external_id: 'inq-1', tags: ['replywatch'], type: 'incident' }));
      expect(created.status).toBe(201);
      expect(created.headers['x-idempotency-lookup']).toBeUndefined();
      const { ticket } = created.data;
      expect(ticket).toMatchObject({
        id: 1, url: 'https://acme.zendesk.com/api/v2/tickets/1.json', subject: 'No reply in 2 h', status: 'new', priority: 'high', type: 'incident',
        external_id: 'inq-1', tags: ['replywatch'], created_at: '2026-12-02T10:00:00Z', updated_at: '2026-12-02T10:00:00Z',
      });
      expect(typeof ticket.requester_id).toBe('number');
      expect(created.data.audit.events.map((e) => e.type)).toEqual(['Comment', 'Create']);

      await clock.advance(60_000);
      const second = await api.post<{ ticket: ZendeskTicket }>('/api/v2/tickets.json', newTicket({ requester: { name: 'Bob', email: 'bob@customer.test' } }));
      expect(second.data.ticket).toMatchObject({ id: 2, created_at: '2026-12-02T10:01:00Z' });
      expect(second.data.ticket.requester_id).not.toBe(ticket.requester_id);

      const read = await api.get<{ ticket: ZendeskTicket }>('/api/v2/tickets/1.json');
      expect([read.status, read.data.ticket.id, read.data.ticket.subject]).toEqual([200, 1, 'No reply in 2 h']);
      const comments = await api.get<{ comments: Array<{ body: string; public: boolean; author_id: number }>; count: number }>('/api/v2/tickets/1/comments.json');
      expect(comments.data.count).toBe(1);
      expect(comments.data.comments[0]).toMatchObject({ body: 'Chat with Ann waits for an answer', public: true, author_id: ticket.requester_id });
      expect((await api.get('/api/v2/tickets/99.json')).status).toBe(404);
      expect(zendesk.tickets.size).toBe(2);
    });

    it('returns every ticket with an external_id, which is not unique', async () => {
      const { api } = await peer();
      for (const externalId of ['inq-7', 'inq-8', 'inq-7']) await api.post('/api/v2/tickets.json', newTicket({ external_id: externalId }));
      const found = await api.get<{ tickets: ZendeskTicket[]; count: number }>('/api/v2/tickets.json', { params: { external_id: 'inq-7' } });
      expect(found.status).toBe(200);
      expect([found.data.count, found.data.tickets.map((t) => t.id)]).toEqual([2, [1, 3]]);
      const none = await api.get<{ tickets: ZendeskTicket[] }>('/api/v2/tickets.json', { params: { external_id: 'inq-9' } });
      expect(none.data.tickets).toEqual([]);
    });

    it('adds comments and changes status through PUT, with an audit, and refuses to touch a closed ticket', async () => {
      const { zendesk, clock, api } = await peer();
      await api.post('/api/v2/tickets.json', newTicket());
      await clock.advance(5 * 60_000);
      const put = await api.put<{ ticket: ZendeskTicket; audit: { events: unknown[] } }>('/api/v2/tickets/1.json', { ticket: { comment: { body: 'Escalated by Replywatch', public: false }, status: 'open' } });
      expect(put.status).toBe(200);
      expect(put.data.ticket).toMatchObject({ status: 'open', updated_at: '2026-12-02T10:05:00Z' });
      expect(put.data.audit.events).toEqual([
        expect.objectContaining({ type: 'Comment', body: 'Escalated by Replywatch', public: false }),
        { type: 'Change', field_name: 'status', value: 'open', previous_value: 'new' },
      ]);
      expect(zendesk.commentsOf(1).map((c) => [c.body, c.public])).toEqual([['Chat with Ann waits for an answer', true], ['Escalated by Replywatch', false]]);
      expect(zendesk.commentsOf(1)[1]!.author_id).toBe(API_USER_ID);

      const bad = await api.put('/api/v2/tickets/1.json', { ticket: { status: 'done' } });
      expect([bad.status, (bad.data as { error: string }).error]).toEqual([422, 'RecordInvalid']);
      await api.put('/api/v2/tickets/1.json', { ticket: { status: 'closed' } });
      const closed = await api.put('/api/v2/tickets/1.json', { ticket: { comment: { body: 'late', public: false } } });
      expect(closed.status).toBe(422);
      expect(JSON.stringify(closed.data)).toContain('closed prevents ticket update');
      expect((await api.put('/api/v2/tickets/42.json', { ticket: { status: 'open' } })).data).toEqual({ error: 'RecordNotFound', description: 'Not found' });
    });

    it('records every request: method, path, query, headers and parsed body', async () => {
      const { zendesk, api } = await peer();
      await api.post('/api/v2/tickets.json', newTicket(), { headers: { 'idempotency-key': 'k-1' } });
      await api.get('/api/v2/tickets.json?external_id=inq-1');
      const [post, get] = zendesk.requests;
      expect(post).toMatchObject({ method: 'POST', path: '/api/v2/tickets.json', status: 201, body: newTicket() });
      expect(post!.headers['idempotency-key']).toBe('k-1');
      expect(post!.headers.authorization).toBe(basic(EMAIL, API_TOKEN));
      expect([get!.method, get!.path, get!.query.get('external_id'), get!.body]).toEqual(['GET', '/api/v2/tickets.json', 'inq-1', undefined]);
    });
  });

  describe('authentication', () => {
    it('accepts Basic {email}/token:{api_token} and Bearer OAuth; anything else, or a revoked token, is 401', async () => {
      const { zendesk, api } = await peer();
      const unauthenticated = { error: "Couldn't authenticate you" };
      expect((await api.get('/api/v2/tickets.json')).status).toBe(200);
      expect((await api.get('/api/v2/tickets.json', { headers: { authorization: `Bearer ${OAUTH}` } })).status).toBe(200);
      for (const authorization of [basic(EMAIL, 'wrong'), basic('other@acme.test', API_TOKEN), `Basic ${Buffer.from(`${EMAIL}:${API_TOKEN}`).toString('base64')}`, 'Bearer wrong', '']) {
        const answer = await api.get('/api/v2/tickets.json', { headers: { authorization } });
        expect([authorization, answer.status, answer.data]).toEqual([authorization, 401, unauthenticated]);
      }
      zendesk.revoked = true;
      expect((await api.get('/api/v2/tickets.json')).status).toBe(401);
      expect((await api.get('/api/v2/tickets.json', { headers: { authorization: `Bearer ${OAUTH}` } })).status).toBe(401);
    });

    it('answers a subdomain that does not exist with a 404 web page, not JSON', async () => {
      const { zendesk, api } = await peer();
      zendesk.subdomainExists = false;
      const answer = await api.get('/api/v2/tickets/1.json');
      expect(answer.status).toBe(404);
      expect(answer.headers['content-type']).toMatch(/^text\/html/);
      expect(() => JSON.parse(String(answer.data)) as unknown).toThrow();
    });
  });

  describe('Idempotency-Key on ticket creation', () => {
    it('answers a repeat with the original ticket (hit), a different body with 400, and forgets the key after 2 h', async () => {
      const { zendesk, clock, api } = await peer();
      const key = { headers: { 'idempotency-key': 'inq-1:create' } };
      const first = await api.post<{ ticket: ZendeskTicket }>('/api/v2/tickets.json', newTicket({ external_id: 'inq-1' }), key);
      expect([first.status, first.headers['x-idempotency-lookup']]).toEqual([201, 'miss']);

      await clock.advance(2 * 3600_000 - 1000);
      const again = await api.post<{ ticket: ZendeskTicket }>('/api/v2/tickets.json', newTicket({ external_id: 'inq-1' }), key);
      expect([again.status, again.headers['x-idempotency-lookup'], again.data]).toEqual([201, 'hit', first.data]);
      // Same body, keys in another order: still the same request.
      const reordered = { ticket: { external_id: 'inq-1', ...newTicket().ticket } };
      expect((await api.post('/api/v2/tickets.json', reordered, key)).headers['x-idempotency-lookup']).toBe('hit');
      expect(zendesk.tickets.size).toBe(1);

      const different = await api.post('/api/v2/tickets.json', newTicket({ external_id: 'inq-2' }), key);
      expect(different.status).toBe(400);
      expect(different.data).toMatchObject({ error: 'IdempotentRequestError', description: expect.any(String) as string });
      expect(zendesk.tickets.size).toBe(1);

      await clock.advance(1000);
      const expired = await api.post<{ ticket: ZendeskTicket }>('/api/v2/tickets.json', newTicket({ external_id: 'inq-1' }), key);
      expect([expired.status, expired.headers['x-idempotency-lookup'], expired.data.ticket.id]).toEqual([201, 'miss', 2]);
    });

    it('takes the key lifetime as an option and refuses a key longer than 255 characters', async () => {
      const { clock, api } = await peer({ idempotencyTtlMs: 60_000 });
      const post = (key: string) => api.post<{ error?: string }>('/api/v2/tickets.json', newTicket(), { headers: { 'idempotency-key': key } });
      expect((await post('k'.repeat(255))).headers['x-idempotency-lookup']).toBe('miss');
      const tooLong = await post('k'.repeat(256));
      expect([tooLong.status, tooLong.data.error]).toEqual([400, 'IdempotentRequestError']);
      await clock.advance(60_000);
      expect((await post('k'.repeat(255))).headers['x-idempotency-lookup']).toBe('miss');
    });

    it('does not remember a key whose request was invalid', async () => {
      const { api } = await peer({ groups: [10] });
      const key = { headers: { 'idempotency-key': 'k-invalid' } };
      expect((await api.post('/api/v2/tickets.json', newTicket({ group_id: 11 }), key)).status).toBe(422);
      const fixed = await api.post('/api/v2/tickets.json', newTicket({ group_id: 10 }), key);
      expect([fixed.status, fixed.headers['x-idempotency-lookup']]).toEqual([201, 'miss']);
    });
  });

  describe('validation', () => {
    it('answers unknown groups and brands with RecordInvalid details', async () => {
      const { zendesk, api } = await peer({ groups: [10], brands: [20] });
      const bad = await api.post('/api/v2/tickets.json', newTicket({ group_id: 11, brand_id: 21 }));
      expect(bad.status).toBe(422);
      expect(bad.data).toMatchObject({ error: 'RecordInvalid', description: 'Record validation errors', details: { group: [expect.anything()], brand: [expect.anything()] } });
      expect(zendesk.tickets.size).toBe(0);
      const good = await api.post<{ ticket: ZendeskTicket }>('/api/v2/tickets.json', newTicket({ group_id: 10, brand_id: 20 }));
      expect([good.status, good.data.ticket.group_id, good.data.ticket.brand_id]).toEqual([201, 10, 20]);
    });

    it('names a required custom field that is missing', async () => {
      const { api } = await peer({ requiredFields: [{ id: 360001, title: 'Product area' }] });
      const missing = await api.post('/api/v2/tickets.json', newTicket({ custom_fields: [{ id: 360002, value: 'x' }] }));
      expect(missing.status).toBe(422);
      expect(missing.data).toMatchObject({ error: 'RecordInvalid', details: { base: [{ description: 'Product area: field is required' }] } });
      const given = await api.post('/api/v2/tickets.json', newTicket({ custom_fields: [{ id: 360001, value: 'billing' }] }));
      expect(given.status).toBe(201);
    });

    it('answers a body that is not JSON with 400, a blank comment or unknown priority with 422', async () => {
      const { zendesk, api } = await peer();
      const notJson = await api.post('/api/v2/tickets.json', '{"ticket": {', { headers: { 'content-type': 'application/json' }, transformRequest: [(d: unknown) => d] });
      expect(notJson.status).toBe(400);
      const blank = await api.post('/api/v2/tickets.json', newTicket({ comment: { body: ' ', public: true }, priority: 'asap' }));
      expect(blank.status).toBe(422);
      expect(Object.keys((blank.data as { details: object }).details).sort()).toEqual(['description', 'priority']);
      expect(zendesk.tickets.size).toBe(0);
    });
  });

  describe('faults', () => {
    it('plays queued faults on their route only, count times, then answers normally', async () => {
      const { zendesk, api } = await peer();
      zendesk.failNext('POST /api/v2/tickets.json', faults.unavailable(503), 2);
      zendesk.failNext('PUT /api/v2/tickets/*.json', faults.unavailable(502));
      expect((await api.get('/api/v2/tickets.json')).status).toBe(200);
      expect((await api.post('/api/v2/tickets.json', newTicket())).status).toBe(503);
      expect((await api.post('/api/v2/tickets.json', newTicket())).status).toBe(503);
      expect((await api.post('/api/v2/tickets.json', newTicket())).status).toBe(201);
      expect((await api.put('/api/v2/tickets/1.json', { ticket: { status: 'open' } })).status).toBe(502);
      expect((await api.put('/api/v2/tickets/1.json', { ticket: { status: 'open' } })).status).toBe(200);
      expect(zendesk.tickets.size).toBe(1);
    });

    it('rate-limits with 429 and Retry-After seconds, or 429 without it', async () => {
      const { zendesk, api } = await peer();
      zendesk.failNext('*', faults.rateLimited(37));
      zendesk.failNext('*', faults.rateLimited());
      const withHeader = await api.post('/api/v2/tickets.json', newTicket());
      expect([withHeader.status, withHeader.headers['retry-after']]).toEqual([429, '37']);
      const without = await api.post('/api/v2/tickets.json', newTicket());
      expect([without.status, without.headers['retry-after']]).toEqual([429, undefined]);
      expect(zendesk.tickets.size).toBe(0);
    });

    it('answers 200 with a web page instead of JSON', async () => {
      const { zendesk, api } = await peer();
      zendesk.failNext('GET /api/v2/tickets/*.json', faults.notJson());
      const answer = await api.get('/api/v2/tickets/1.json', { responseType: 'text' });
      expect([answer.status, answer.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
      expect(() => JSON.parse(String(answer.data)) as unknown).toThrow();
    });

    it('drops the connection without an answer', async () => {
      const { zendesk, api } = await peer();
      zendesk.failNext('POST /api/v2/tickets.json', faults.dropped());
      const error = await api.post('/api/v2/tickets.json', newTicket()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AxiosError);
      expect((error as AxiosError).response).toBeUndefined();
      expect((error as AxiosError).code).toBe('ECONNRESET');
      expect(zendesk.tickets.size).toBe(0);
    });

    it('answers late: a client timeout cuts the answer and no ticket is made; a patient client gets it', async () => {
      const { zendesk, api } = await peer();
      zendesk.failNext('POST /api/v2/tickets.json', faults.slow(2000));
      const error = await api.post('/api/v2/tickets.json', newTicket(), { timeout: 150 }).catch((e: unknown) => e);
      expect((error as AxiosError).code).toBe('ECONNABORTED');
      await waitFor(() => zendesk.requests[0]?.closedAfterMs !== undefined);
      expect(zendesk.requests[0]!.closedAfterMs).toBeLessThan(2000);
      expect(zendesk.requests[0]!.status).toBe(0);
      expect(zendesk.tickets.size).toBe(0);

      zendesk.failNext('POST /api/v2/tickets.json', faults.slow(100));
      const started = Date.now();
      const late = await api.post('/api/v2/tickets.json', newTicket(), { timeout: 1000 });
      expect(late.status).toBe(201);
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    });
  });

  describe('agents and webhooks', () => {
    it('signs a delivery so an independent HMAC over timestamp + body verifies it; a forged one does not', async () => {
      const { zendesk, api } = await peer();
      const hook = await receiver();
      await api.post('/api/v2/tickets.json', newTicket({ external_id: 'inq-1' }));
      const event = zendesk.agentComment(1, 'We are on it');
      const genuine = await zendesk.deliver(hook.url, event);
      const forged = await zendesk.deliver(hook.url, event, { secret: 'not-the-secret' });
      expect([genuine.status, forged.status]).toEqual([200, 200]);
      const [first, second] = hook.received;
      expect(first!.headers['x-zendesk-webhook-signature-timestamp']).toBe('2026-12-02T10:00:00Z');
      expect(JSON.parse(first!.raw)).toEqual(event);
      expect(verifies(SECRET, first!.headers, first!.raw)).toBe(true);
      expect(verifies(SECRET, second!.headers, second!.raw)).toBe(false);
      // The order is timestamp + body; body + timestamp must not verify.
      const swapped = createHmac('sha256', SECRET).update(first!.raw + '2026-12-02T10:00:00Z').digest('base64');
      expect(first!.headers['x-zendesk-webhook-signature']).not.toBe(swapped);
    });

    it('sends stale and future timestamps, repeats a delivery byte for byte, and delivers in the order the test picks', async () => {
      const { zendesk, clock, api } = await peer();
      const hook = await receiver();
      await api.post('/api/v2/tickets.json', newTicket({ external_id: 'inq-1' }));
      await clock.advance(60_000);
      const stale = await zendesk.deliver(hook.url, { ping: 1 }, { skewMinutes: -6 });
      const future = await zendesk.deliver(hook.url, { ping: 2 }, { skewMinutes: 6 });
      expect(stale.headers['x-zendesk-webhook-signature-timestamp']).toBe('2026-12-02T09:55:00Z');
      expect(future.headers['x-zendesk-webhook-signature-timestamp']).toBe('2026-12-02T10:07:00Z');
      expect(verifies(SECRET, hook.received[0]!.headers, hook.received[0]!.raw)).toBe(true);

      const comment = zendesk.agentComment(1, 'Answered');
      await clock.advance(60_000);
      const solved = zendesk.agentSetStatus(1, 'solved');
      const late = await zendesk.deliver(hook.url, solved);
      await zendesk.deliver(hook.url, comment);
      await zendesk.redeliver(late);
      const bodies = hook.received.slice(2).map((r) => JSON.parse(r.raw) as { event: string });
      expect(bodies.map((b) => b.event)).toEqual(['ticket.solved', 'comment.public', 'ticket.solved']);
      expect(hook.received[4]!.headers['x-zendesk-webhook-signature']).toBe(hook.received[2]!.headers['x-zendesk-webhook-signature']);
      expect(hook.received[4]!.raw).toBe(hook.received[2]!.raw);
    });

    it('lets an agent answer, solve and close, changing the ticket and producing the trigger body', async () => {
      const { zendesk, clock, api } = await peer();
      await api.post('/api/v2/tickets.json', newTicket({ external_id: 'inq-1' }));
      await clock.advance(90_000);
      expect(zendesk.agentComment(1, 'Hello Ann')).toEqual({
        ticket: { id: 1, status: 'open', external_id: 'inq-1', updated_at: '2026-12-02T10:01:30Z' },
        event: 'comment.public',
        comment: { id: 2, author: { id: AGENT_ID, role: 'agent' }, public: true, body: 'Hello Ann' },
      });
      expect(zendesk.agentSetStatus(1, 'solved')).toMatchObject({ event: 'ticket.solved', ticket: { status: 'solved' } });
      expect(zendesk.agentSetStatus(1, 'closed')).toMatchObject({ event: 'ticket.closed', ticket: { status: 'closed' } });
      const read = await api.get<{ ticket: ZendeskTicket }>('/api/v2/tickets/1.json');
      expect(read.data.ticket.status).toBe('closed');
      const comments = await api.get<{ comments: Array<{ body: string; public: boolean }> }>('/api/v2/tickets/1/comments.json');
      expect(comments.data.comments.map((c) => c.body)).toEqual(['Chat with Ann waits for an answer', 'Hello Ann']);
    });
  });
});

/** Polls a condition the server side sets after an I/O event, for at most a second. */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
