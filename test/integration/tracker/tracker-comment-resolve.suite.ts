import { type TicketCommentPayload, type TicketResolvePayload } from '../../../src/plugins/sdk';
import { AGENT, createPayload, delivery, setup, ticketOf, type Setup } from './tracker-harness';

/** ticket.comment and ticket.resolve: each lands once, also when an answer was lost. */
describe('Tracker connector: comments and resolve', () => {
  let s: Setup;
  let ticket: ReturnType<typeof ticketOf>;

  beforeEach(async () => {
    s = await setup();
    ticket = ticketOf(await s.deliver(delivery(createPayload('tl_1'))), 'tl_1');
  });

  afterEach(() => s.stop());

  function comment(text: string): TicketCommentPayload {
    const { event: _event, summary: _s, description: _d, priority: _p, tags: _t, fields: _f, requester: _r, ...base } = createPayload('tl_1');
    return { ...base, event: 'ticket.comment', text, ticket, reason: 'escalation' };
  }

  function resolve(by = 'Olga (duty)'): TicketResolvePayload {
    const { event: _event, summary: _s, description: _d, priority: _p, tags: _t, fields: _f, requester: _r, reason: _reason, ...base } = createPayload('tl_1');
    return { ...base, event: 'ticket.resolve', text: 'Resolved in Replywatch.', ticket, by };
  }

  it('posts the comment with a hidden marker carrying the idempotency key', async () => {
    const result = await s.deliver(delivery(comment('⚠️ SLA missed: 60 min without an answer'), { key: 'ticket:tl_1:escalation:0' }));

    const [posted] = s.tracker.commentsOf('SUPPORT-1');
    expect(posted?.text).toBe('⚠️ SLA missed: 60 min without an answer\n\n[//]: # (replywatch-delivery:ticket:tl_1:escalation:0)');
    expect(result.externalId).toBe(`SUPPORT-1:${posted?.id}`);
  });

  it('a retried comment after a lost answer is not posted twice', async () => {
    const key = 'ticket:tl_1:escalation:0';
    s.tracker.failNext('POST /v2/issues/*/comments', { lose: true });
    expect((await s.failure(delivery(comment('escalated'), { key }))).code).toBe('TEMPORARY');
    expect(s.tracker.commentsOf('SUPPORT-1')).toHaveLength(1);

    const retried = await s.deliver(delivery(comment('escalated'), { key, attempt: 2 }));

    expect(s.tracker.commentsOf('SUPPORT-1')).toHaveLength(1);
    expect(retried.externalId).toBe(`SUPPORT-1:${s.tracker.commentsOf('SUPPORT-1')[0]?.id}`);
    expect(s.tracker.requestsTo('POST', '/v2/issues/SUPPORT-1/comments')).toHaveLength(1);
  });

  it('two comment deliveries make two comments', async () => {
    await s.deliver(delivery(comment('first'), { key: 'k1' }));
    await s.deliver(delivery(comment('second'), { key: 'k2' }));
    expect(s.tracker.commentsOf('SUPPORT-1').map((c) => c.text.split('\n')[0])).toEqual(['first', 'second']);
  });

  it('a comment on a ticket with neither key nor id is INVALID_PAYLOAD', async () => {
    const payload = { ...comment('x'), ticket: { ref: 'tl_9', id: null, key: null, url: null } };
    const error = await s.failure(delivery(payload));
    expect(error.code).toBe('INVALID_PAYLOAD');
    expect(s.tracker.commentsOf('SUPPORT-1')).toHaveLength(0);
  });

  it('resolve executes the target transition with the resolution and a comment naming who resolved', async () => {
    await s.deliver(delivery(resolve(), { key: 'ticket:tl_1:resolve', to: { resolveTransition: 'resolve', resolution: 'fixed' } }));

    expect(s.tracker.issues.get('SUPPORT-1')?.status.key).toBe('resolved');
    const [execute] = s.tracker.requestsTo('POST', '/v2/issues/SUPPORT-1/transitions/resolve/_execute');
    expect(execute?.body).toMatchObject({ resolution: 'fixed' });
    expect((execute?.body as { comment?: string }).comment).toContain('Resolved in Replywatch by Olga (duty).');
    expect(s.tracker.commentsOf('SUPPORT-1')).toHaveLength(1);
  });

  it('resolve without resolveTransition only comments; the issue stays open', async () => {
    await s.deliver(delivery(resolve(), { key: 'ticket:tl_1:resolve' }));

    expect(s.tracker.issues.get('SUPPORT-1')?.status.key).toBe('open');
    expect(s.tracker.commentsOf('SUPPORT-1')[0]?.text).toContain('Resolved in Replywatch by Olga (duty).');
    expect(s.tracker.requests.filter((r) => r.path.includes('/transitions'))).toHaveLength(0);
  });

  it('an issue already resolved in Tracker is success, with nothing posted', async () => {
    s.tracker.agentTransition('SUPPORT-1', 'resolve', AGENT);
    const before = s.tracker.requests.filter((r) => r.method === 'POST').length;

    await s.deliver(delivery(resolve(), { to: { resolveTransition: 'resolve' } }));

    expect(s.tracker.requests.filter((r) => r.method === 'POST')).toHaveLength(before);
    expect(s.tracker.commentsOf('SUPPORT-1')).toHaveLength(0);
  });

  it('a transition whose answer was lost is not executed again (the marker is found)', async () => {
    // `start_progress` leads to a status the connector does not count as resolved.
    const to = { resolveTransition: 'start_progress' };
    s.tracker.failNext('POST /v2/issues/*/transitions/*/_execute', { lose: true });
    expect((await s.failure(delivery(resolve(), { key: 'r1', to }))).code).toBe('TEMPORARY');
    expect(s.tracker.issues.get('SUPPORT-1')?.status.key).toBe('inProgress');

    await s.deliver(delivery(resolve(), { key: 'r1', to, attempt: 2 }));

    expect(s.tracker.requestsTo('POST', '/v2/issues/SUPPORT-1/transitions/start_progress/_execute')).toHaveLength(1);
    expect(s.tracker.commentsOf('SUPPORT-1')).toHaveLength(1);
  });

  it('a transition the workflow does not offer is NOT_FOUND, naming the ones it does', async () => {
    const error = await s.failure(delivery(resolve(), { to: { resolveTransition: 'finish' } }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('Transition finish is not available');
    expect(error.message).toContain('start_progress, resolve, close');
    expect(error.message).toContain('resolveTransition');
  });
});
