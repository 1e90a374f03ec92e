import { type TicketCommentPayload } from '../../../src/plugins/sdk';
import { AGENT, createPayload, delivery, linkOf, OAUTH, POLL_MS, ROBOT, setup, START, ticketOf, type Setup } from './tracker-harness';

/** The scheduled walk over open tickets: resolutions and agent answers made in Tracker reach the hub. */
describe('Tracker connector: back-sync', () => {
  let s: Setup;

  beforeEach(async () => {
    s = await setup();
  });

  afterEach(() => s.stop());

  /** Creates the issue for `ref` through the connector and links it, as the hub would. */
  async function linked(ref: string): Promise<string> {
    const result = await s.deliver(delivery(createPayload(ref), { key: `ticket:${ref}:create` }));
    s.tickets.link(linkOf(ref, result));
    return result.ticket?.key ?? '';
  }

  const events = (kind: string) => s.tickets.events.filter((e) => e.kind === kind);

  it('an issue resolved in Tracker closes the ticket, by the agent who resolved it', async () => {
    const key = await linked('tl_1');
    s.tracker.agentTransition(key, 'resolve', AGENT);

    await s.poll(0);

    expect(events('closed')).toEqual([{ ref: 'tl_1', kind: 'closed', by: 'tracker:Anna Agent', reason: `issue ${key} is resolved in Tracker` }]);
    expect(await s.tickets.open()).toEqual([]);
  });

  it('a status outside resolvedStatuses leaves the ticket open', async () => {
    const key = await linked('tl_1');
    s.tracker.agentTransition(key, 'start_progress', AGENT);
    await s.poll(0);
    expect(events('closed')).toEqual([]);
    expect(events('checked')).toEqual([{ ref: 'tl_1', kind: 'checked' }]);
  });

  it('an agent comment is reported as an answer at its time, once', async () => {
    const key = await linked('tl_1');
    await s.poll(0);
    await s.clock.advance(60_000);
    s.tracker.agentComment(key, AGENT, 'We are on it: the export is fixed in 2.3.1');
    const at = new Date(s.clock.now()).toISOString();

    await s.poll(POLL_MS - 60_000);
    await s.poll(POLL_MS);

    expect(events('answered')).toEqual([{ ref: 'tl_1', kind: 'answered', by: 'tracker:Anna Agent', at }]);
    // The second run read only what came after the comment it had seen.
    const reads = s.tracker.requestsTo('GET', `/v2/issues/${key}/comments`);
    expect(reads.at(-1)?.query.id).toBe(String(s.tracker.commentsOf(key)[0]?.id));
  });

  it('ignores the robot’s own comments: those the connector posted and any other by the robot', async () => {
    const key = await linked('tl_1');
    const ticket = ticketOf({ ticket: { id: s.tracker.issues.get(key)?.id ?? '', key } }, 'tl_1');
    const { event: _e, summary: _s, description: _d, priority: _p, tags: _t, fields: _f, requester: _r, ...base } = createPayload('tl_1');
    const comment: TicketCommentPayload = { ...base, event: 'ticket.comment', text: 'Escalated to the second line', ticket, reason: 'escalation' };
    await s.deliver(delivery(comment, { key: 'ticket:tl_1:escalation:0' }));
    s.tracker.agentComment(key, ROBOT, 'Another integration of the robot wrote this');

    await s.poll(0);

    expect(events('answered')).toEqual([]);
    expect(events('checked')).toHaveLength(1);
  });

  it('one failing issue does not stop the others, and health says which failed', async () => {
    const first = await linked('tl_1');
    const second = await linked('tl_2');
    const third = await linked('tl_3');
    s.tracker.agentTransition(first, 'resolve', AGENT);
    s.tracker.agentTransition(third, 'close', AGENT);
    s.tracker.agentComment(first, AGENT, 'done');
    s.tracker.failNext(`GET /v2/issues/${second}`, { status: 500 });

    await s.poll(0);

    expect(events('closed').map((e) => e.ref).sort()).toEqual(['tl_1', 'tl_3']);
    const part = s.test.health.last?.parts?.find((p) => p.name === 'back-sync');
    expect(part?.status).toBe('degraded');
    expect(part?.detail).toContain(`${second}: TEMPORARY`);
    expect(part?.detail).toContain('2 open ticket(s) checked, 2 closed; 1 failed');
    expect(part?.lastSyncAt).toBeUndefined();

    // The next run finds the failing one again, and all is well.
    await s.poll(POLL_MS);
    const later = s.test.health.last?.parts?.find((p) => p.name === 'back-sync');
    expect(later?.status).toBe('up');
    expect(later?.lastSyncAt).toBe(new Date(START + POLL_MS).toISOString());
    expect(events('checked').map((e) => e.ref)).toEqual(['tl_2', 'tl_2']);
  });

  it('a rate limit stops the walk and the run asks to wait; a refused token shows the back-sync down', async () => {
    await linked('tl_1');
    await linked('tl_2');
    s.tracker.failNext('GET /v2/issues/*', { status: 429, headers: { 'retry-after': '60' } });
    await s.poll(0);
    expect(s.tracker.requests.filter((r) => r.method === 'GET' && /^\/v2\/issues\/[^/]+$/.test(r.path))).toHaveLength(1);
    expect(s.test.logs.some((l) => l.message.includes('RATE_LIMITED'))).toBe(true);

    s.tracker.revoke(OAUTH);
    await s.poll(POLL_MS);
    const part = s.test.health.last?.parts?.find((p) => p.name === 'back-sync');
    expect(part?.status).toBe('down');
    expect(s.test.health.last?.status).toBe('down');
    expect(JSON.stringify(s.test.health.reports)).not.toContain(OAUTH);
  });

  it('verify() checks the token and the organization with /v2/myself', async () => {
    expect(await s.instance.verify()).toEqual({ status: 'up', detail: 'robot Replywatch Robot in organization 7654321 (X-Org-ID)' });
    expect(s.tracker.requestsTo('GET', '/v2/myself')[0]?.headers['x-org-id']).toBe('7654321');
    s.tracker.revoke(OAUTH);
    const down = await s.instance.verify();
    expect(down.status).toBe('down');
    expect(down.detail).toContain('Not authorized.');
    expect(down.detail).not.toContain(OAUTH);
    s.tracker.failNext('GET /v2/myself', { status: 503 });
    expect((await s.instance.verify()).status).toBe('degraded');
  });

  it('verify() shows a ticket target whose queue does not exist, in Tracker\'s words, on health', async () => {
    const own = await setup({ ticketTargets: [{ name: 'support', to: { queue: 'SUPPORT' } }, { name: 'typo', to: { queue: 'SUPORT' } }, { name: 'typo-too', to: { queue: 'SUPORT' } }] });
    try {
      const health = await own.instance.verify();
      expect(health.status).toBe('degraded');
      expect(health.detail).toContain('ticket targets typo, typo-too: ');
      expect(health.detail).toContain('Queue SUPORT does not exist.');
      expect(health.detail).not.toContain('target support:');
      expect(own.tracker.requestsTo('GET', '/v2/queues/SUPORT')).toHaveLength(1);
      own.tracker.queue('SUPORT');
      expect((await own.instance.verify()).status).toBe('up');
    } finally {
      await own.stop();
    }
  });

  it('does nothing while there are no open tickets', async () => {
    await s.poll(0);
    await s.poll(POLL_MS);
    expect(s.tracker.requests).toHaveLength(0);
  });
});
