import { API_USER_ID, faults } from '../../support/fake-zendesk';
import { API_TOKEN, commentPayload, createPayload, EMAIL, GROUP, OAUTH_TOKEN, REF, rejection, resolvePayload, setUp, TARGET } from './zendesk-setup';

const basic = `Basic ${Buffer.from(`${EMAIL}/token:${API_TOKEN}`).toString('base64')}`;

describe('zendesk connector: tickets', () => {
  const teardown: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of teardown.splice(0).reverse()) await stop();
  });

  describe('ticket.create', () => {
    it('creates the ticket with its fields, requester, external_id and Idempotency-Key, signed in with an API token', async () => {
      const { zendesk, deliver } = await setUp(teardown);
      const result = await deliver(createPayload(), { target: { ...TARGET, brandId: 7, ticketFormId: 99, type: 'incident', customFields: { '360001': 'silver', '360002': 'eu' } } });

      expect(result).toEqual({ ticket: { id: '1', key: '#1', url: 'https://acme.zendesk.com/agent/tickets/1' }, externalId: '1' });
      const post = zendesk.requests.find((r) => r.method === 'POST')!;
      expect(post.path).toBe('/api/v2/tickets.json');
      expect(post.headers.authorization).toBe(basic);
      expect(post.headers['idempotency-key']).toBe(REF);
      expect(post.body).toEqual({
        ticket: {
          subject: 'Acme Corp · support: no answer in 60 min',
          comment: { body: createPayload().description, public: false },
          external_id: REF,
          requester: { name: 'Ann Customer', email: 'ann@customer.test' },
          priority: 'high',
          type: 'incident',
          tags: ['replywatch', 'sla_breach'],
          group_id: GROUP,
          brand_id: 7,
          ticket_form_id: 99,
          // The payload's mapping wins over the target's for the same field.
          custom_fields: [{ id: 360001, value: 'gold' }, { id: 360002, value: 'eu' }],
        },
      });
      const ticket = zendesk.tickets.get(1)!;
      expect(ticket).toMatchObject({ external_id: REF, group_id: GROUP, priority: 'high', status: 'new' });
      expect(zendesk.commentsOf(1).map((c) => c.public)).toEqual([false]);
    });

    it('signs in with an OAuth token as Bearer', async () => {
      const { zendesk, deliver } = await setUp(teardown, { config: { subdomain: 'acme', oauthToken: OAUTH_TOKEN } });
      await deliver(createPayload());
      expect(zendesk.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${OAUTH_TOKEN}`]);
      expect(zendesk.tickets.size).toBe(1);
    });

    it('without the customer’s email makes the API user the requester and keeps the customer in the description', async () => {
      const { zendesk, deliver } = await setUp(teardown);
      await deliver(createPayload({ requester: { name: 'Ann Customer', id: '4242', email: null } }));
      const body = zendesk.requests[0]!.body as { ticket: Record<string, unknown> & { comment: { body: string } } };
      expect(body.ticket.requester).toBeUndefined();
      expect(body.ticket.comment.body).toMatch(/Customer: Ann Customer \(telegram id 4242\)$/);
      expect(zendesk.tickets.get(1)!.description).toContain('Customer: Ann Customer');
    });

    it('leaves out a priority Zendesk does not have and fields that are not custom field ids, with a warning', async () => {
      const { zendesk, deliver, test } = await setUp(teardown);
      await deliver(createPayload({ priority: 'P1', fields: { tier: 'gold', '360001': 'gold' } }));
      const body = zendesk.requests[0]!.body as { ticket: Record<string, unknown> };
      expect(body.ticket.priority).toBeUndefined();
      expect(body.ticket.custom_fields).toEqual([{ id: 360001, value: 'gold' }]);
      expect(test.logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([expect.stringContaining('fields tier are not custom field ids')]);
    });

    it('after a lost answer, the retry gets the same ticket back from Zendesk (idempotency hit): one ticket', async () => {
      const { zendesk, deliver } = await setUp(teardown);
      zendesk.failNext('POST /api/v2/tickets.json', faults.lostAnswer());
      expect((await rejection(deliver(createPayload()))).code).toBe('TEMPORARY');
      expect(zendesk.tickets.size).toBe(1);

      const result = await deliver(createPayload(), { attempt: 2 });
      expect(result.ticket).toEqual({ id: '1', key: '#1', url: 'https://acme.zendesk.com/agent/tickets/1' });
      expect(zendesk.tickets.size).toBe(1);
      expect(zendesk.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /api/v2/tickets.json 201', 'POST /api/v2/tickets.json 201']);
      expect(zendesk.requests.map((r) => r.headers['idempotency-key'])).toEqual([REF, REF]);
    });

    it('the same key with another body (the rules changed in between) finds the ticket by external_id: still one ticket', async () => {
      const { zendesk, deliver } = await setUp(teardown);
      zendesk.failNext('POST /api/v2/tickets.json', faults.lostAnswer());
      await rejection(deliver(createPayload()));

      const result = await deliver(createPayload(), { attempt: 2, target: { ...TARGET, groupId: 456 } });
      expect(result.ticket?.id).toBe('1');
      expect(zendesk.tickets.size).toBe(1);
      expect(zendesk.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /api/v2/tickets.json 201', 'POST /api/v2/tickets.json 400', 'GET /api/v2/tickets.json 200']);
      expect(zendesk.requests[2]!.query.get('external_id')).toBe(REF);
    });

    it('when Zendesk may have forgotten the key (hours later), the retry looks the ticket up before posting: still one ticket', async () => {
      const { zendesk, deliver, clock } = await setUp(teardown);
      zendesk.failNext('POST /api/v2/tickets.json', faults.lostAnswer());
      await rejection(deliver(createPayload()));
      await clock.advance(3 * 3_600_000);

      const result = await deliver(createPayload(), { attempt: 5 });
      expect(result.ticket?.id).toBe('1');
      expect(zendesk.tickets.size).toBe(1);
      expect(zendesk.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/v2/tickets.json', 'GET /api/v2/tickets.json']);
    });

    it('a ticket already made for the ref is answered from memory, without asking Zendesk again', async () => {
      const { zendesk, deliver } = await setUp(teardown);
      const first = await deliver(createPayload());
      const again = await deliver(createPayload(), { attempt: 1 });
      expect(again).toEqual(first);
      expect(zendesk.requests).toHaveLength(1);
    });
  });

  describe('ticket.comment', () => {
    it('adds an internal note by default and a public comment when the target says so', async () => {
      const { zendesk, deliver } = await setUp(teardown);
      await deliver(createPayload());
      expect(await deliver(commentPayload('1'))).toEqual({ externalId: '1' });
      await deliver(commentPayload('1', 'We are looking into it'), { target: { ...TARGET, commentsPublic: true }, idempotencyKey: 'key-2' });

      const put = zendesk.requests.find((r) => r.method === 'PUT')!;
      expect(put.path).toBe('/api/v2/tickets/1.json');
      const added = zendesk.commentsOf(1).slice(1);
      expect(added.map((c) => [c.public, c.author_id])).toEqual([[false, API_USER_ID], [true, API_USER_ID]]);
      expect(added[0]!.body).toBe('🔺 Escalated to L2 by policy step 1\n\n[replywatch key-ticket.comment]');
      expect(added[1]!.body).toBe('We are looking into it');
    });

    it('a retry after a lost answer finds the comment the first attempt made and adds none', async () => {
      const { zendesk, deliver } = await setUp(teardown);
      await deliver(createPayload());
      zendesk.failNext('PUT /api/v2/tickets/*.json', faults.lostAnswer());
      await rejection(deliver(commentPayload('1')));
      await deliver(commentPayload('1'), { attempt: 2 });
      expect(zendesk.commentsOf(1)).toHaveLength(2);

      // A public comment has no marker: found by its text.
      zendesk.failNext('PUT /api/v2/tickets/*.json', faults.lostAnswer());
      const target = { ...TARGET, commentsPublic: true };
      await rejection(deliver(commentPayload('1', 'Fixed on our side'), { target, idempotencyKey: 'k2' }));
      await deliver(commentPayload('1', 'Fixed on our side'), { target, idempotencyKey: 'k2', attempt: 2 });
      expect(zendesk.commentsOf(1).map((c) => c.body)).toHaveLength(3);
    });

    it('a ticket Zendesk does not know is NOT_FOUND', async () => {
      const { deliver } = await setUp(teardown);
      const error = await rejection(deliver(commentPayload('42')));
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toContain('RecordNotFound');
    });
  });

  describe('ticket.resolve', () => {
    it('solves the ticket with an internal note saying who resolved it', async () => {
      const { zendesk, deliver } = await setUp(teardown);
      await deliver(createPayload());
      await deliver(resolvePayload('1'));
      expect(zendesk.tickets.get(1)!.status).toBe('solved');
      const note = zendesk.commentsOf(1).at(-1)!;
      expect([note.public, note.body]).toEqual([false, expect.stringContaining('Resolved in Replywatch by telegram:@olga')]);
    });

    it('a ticket already solved or closed is success, left as it is', async () => {
      const { zendesk, deliver } = await setUp(teardown);
      await deliver(createPayload());
      zendesk.agentSetStatus(1, 'solved');
      await expect(deliver(resolvePayload('1'))).resolves.toEqual({ externalId: '1' });
      zendesk.agentSetStatus(1, 'closed');
      await expect(deliver(resolvePayload('1'))).resolves.toEqual({ externalId: '1' });
      expect(zendesk.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
      expect(zendesk.commentsOf(1)).toHaveLength(1);
    });
  });

  it('refuses events that are not ticket events without asking Zendesk', async () => {
    const { zendesk, deliver } = await setUp(teardown);
    const error = await rejection(deliver({ event: 'report.digest', text: 'Weekly figures' }));
    expect(error.code).toBe('INVALID_PAYLOAD');
    expect(error.message).toContain('ticket events only');
    expect(zendesk.requests).toHaveLength(0);
  });
});
