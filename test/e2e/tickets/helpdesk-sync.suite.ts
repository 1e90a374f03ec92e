import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { FakeTracker, type TrackerIssue, type TrackerRequest, type TrackerUser } from '../../support/fake-tracker';
import { API_USER_ID, AGENT_ID, faults, FakeZendesk, type SeenRequest, type ZendeskTicket } from '../../support/fake-zendesk';
import { ingestBody, latestInquiryId, startTestHub, type TestHub } from '../../support/hub-harness';
import { advanceInSteps } from '../../support/virtual-steps';
import { testBackend } from '../../support/test-database';

const MINUTE = 60_000;
const ORG = '7654321';
const TRACKER_TOKEN = 'y0_e2e-tracker-oauth-token-5b1c';
const ROBOT: TrackerUser = { id: '1130000000000001', display: 'Replywatch Robot' };
const AGENT: TrackerUser = { id: '1130000000000777', display: 'Anna Agent' };
const ZD_EMAIL = 'hub@acme.test';
const ZD_TOKEN = 'zd-e2e-api-token-0a9b8c7d';
const ZD_SECRET = 'e2e-zendesk-webhook-signing-secret';
const GROUP = 123;
const HOOK_PATH = '/zendesk/webhook';
const TRACKER_CREATE = 'POST /v2/issues/';
const ZENDESK_CREATE = 'POST /api/v2/tickets.json';
/** Retries that outlast a peer down for an hour: the outbox's default budget (8 failures) would not. */
const RETRIES = { baseDelay: '1m', maxDelay: '10m', maxAttempts: 30 };
const BOTH = [{ createTicket: { target: 'tracker-support' } }, { createTicket: { target: 'zendesk-support' } }];

/**
 * A breach opens a Tracker issue and a Zendesk ticket; 30 min later the escalation comments on
 * both; 150 min after the deadline duty hears again (by then with the tickets). Conversation
 * `acme-answers` has its own policy whose Tracker target takes agents' comments as answers, and
 * `acme-tracker` one without escalation.
 */
function rules() {
  return {
    calendars: { always: { alwaysOpen: true } },
    duty: { targets: [{ name: 'duty', connector: 'log', to: {} }] },
    tickets: {
      targets: [
        { name: 'tracker-support', connector: 'tracker', to: { queue: 'SUPPORT', resolveTransition: 'resolve' }, priority: { default: 'normal', levels: { breach: 'critical' } }, tags: ['replywatch'] },
        { name: 'zendesk-support', connector: 'zendesk', to: { groupId: GROUP }, priority: { default: 'normal', levels: { breach: 'urgent' } }, tags: ['replywatch'] },
        { name: 'tracker-answers', connector: 'tracker', to: { queue: 'ANSWERS' }, agentRepliesAnswer: true },
      ],
    },
    policies: [
      {
        name: 'answers',
        match: { conversations: ['acme-answers'] },
        target: '60m',
        calendar: 'always',
        // The issue opens at half time; the breach then comments on it (a robot comment, not an answer).
        marks: [
          { at: '50%', level: 'warning', message: 'Half the time gone — {title}', actions: [{ createTicket: { target: 'tracker-answers' } }] },
          { at: '100%', level: 'breach', message: 'SLA MISS — {title}', actions: [{ createTicket: { target: 'tracker-answers' } }] },
        ],
      },
      {
        // No escalation: a poll that resolves late must not race a comment to either ticket.
        name: 'quiet',
        match: { conversations: ['acme-tracker'] },
        target: '60m',
        calendar: 'always',
        marks: [{ at: '100%', level: 'breach', message: 'SLA MISS — {title}', actions: BOTH }],
      },
      {
        name: 'default',
        target: '60m',
        calendar: 'always',
        marks: [{ at: '100%', level: 'breach', emoji: '⚠️', message: 'SLA MISS — {title}', actions: [{ notify: ['duty'] }, ...BOTH] }],
        escalation: [
          { after: '30m', message: 'Still waiting — {title}', actions: BOTH },
          { after: '150m', message: 'Long past due — {title}', actions: [{ notify: ['duty'] }] },
        ],
      },
    ],
  };
}

interface LinkRow {
  id: string;
  target: string;
  state: string;
  ticket_id: string | null;
  ticket_key: string | null;
  inquiries: number;
}

interface InquiryView {
  status: string;
  answeredAt: string | null;
  firstResponseMs: number | null;
  responder: { id: string } | null;
  events: Array<{ type: string; actor: string }>;
}

/**
 * Ticket sync end to end: a hub with the tracker and zendesk connectors pointed at fake peers,
 * driven on a virtual clock. One hub serves every case (starting one is most of a case's cost);
 * each case has its own conversation and counts only its own tickets, in the fakes' stores.
 */
describe(`helpdesk sync with Tracker and Zendesk (${testBackend})`, () => {
  const clock = new VirtualClock(Date.now() - MINUTE);
  const tracker = new FakeTracker({ orgId: ORG, oauthTokens: [TRACKER_TOKEN], now: () => clock.now(), robot: ROBOT }).queue('SUPPORT').queue('ANSWERS');
  const zendesk = new FakeZendesk({ subdomain: 'acme', email: ZD_EMAIL, apiToken: ZD_TOKEN, clock, groups: [GROUP], webhookSecret: ZD_SECRET });
  let hub: TestHub;
  let hook: string;

  beforeAll(async () => {
    await Promise.all([tracker.start(), zendesk.start()]);
    hub = await startTestHub({
      clock,
      hub: {
        // Attempts must not time out while the clock jumps ten minutes over a request in flight.
        // The worker is woken by new deliveries and sleeps until the next retry is due; the poll
        // (for other replicas' rows) only costs idle passes at every virtual step.
        outbox: { pollInterval: '5m', baseDelay: '1s', maxDelay: '2m', lease: '30m', attemptTimeout: '25m' },
        connectors: {
          http: { enabled: true, secret: '${TEST_INGEST_SECRET}' },
          log: { enabled: true },
          tracker: { baseUrl: tracker.url, token: TRACKER_TOKEN, orgId: ORG, poll: { interval: '5m' }, delivery: RETRIES },
          zendesk: { subdomain: 'acme', baseUrl: zendesk.url, email: ZD_EMAIL, apiToken: ZD_TOKEN, webhook: { secret: ZD_SECRET, path: HOOK_PATH }, delivery: RETRIES },
        },
      },
      rules: rules(),
    });
    hook = `${hub.url}${HOOK_PATH}`;
  });

  afterAll(async () => {
    await hub?.close();
    await Promise.all([tracker.stop(), zendesk.stop()]);
  });

  const advanceTo = (ms: number, settled?: () => boolean | Promise<boolean>) => advanceInSteps(clock, ms, settled);

  /** A message at the hub's virtual now (one from its future would be taken as now). */
  async function post(conversation: string, text: string, role?: string): Promise<void> {
    const response = await hub.post(ingestBody({ conversation, text, sentAt: new Date(clock.now()).toISOString(), ...(role ? { role, author: 'agent-1' } : {}) }));
    expect(response.status).toBe(200);
  }

  /** A customer message opening an inquiry; its id. */
  async function open(conversation: string, text: string): Promise<string> {
    await post(conversation, text);
    return latestInquiryId(hub.db, conversation);
  }

  const links = (conversation: string) =>
    hub.db.query<LinkRow>(
      `SELECT l.id, l.target, l.state, l.ticket_id, l.ticket_key, (SELECT count(*)::int FROM ticket_link_inquiries t WHERE t.link_id = l.id) AS inquiries
         FROM ticket_links l JOIN conversations c ON c.id = l.conversation_id WHERE c.external_id = $1 ORDER BY l.target`,
      [conversation],
    );

  /** The conversation's link to each target; fails the case when one is missing. */
  async function linkOf(conversation: string, target: string): Promise<LinkRow> {
    const link = (await links(conversation)).find((l) => l.target === target);
    if (!link) throw new Error(`no ${target} link for ${conversation}`);
    return link;
  }

  /** True once every given target has a ticket for the conversation. */
  const linked = (conversation: string, targets = ['tracker-support', 'zendesk-support']) => async () => {
    const rows = await links(conversation);
    return targets.every((t) => rows.some((l) => l.target === t && l.ticket_id !== null));
  };

  async function inquiry(id: string): Promise<InquiryView> {
    const response = await hub.admin(`/api/v1/inquiries/${id}`);
    expect(response.status).toBe(200);
    return (await response.json()) as InquiryView;
  }

  async function delivery(key: string): Promise<{ status: string; attempts: number; payload: Record<string, unknown> } | undefined> {
    const [row] = await hub.db.query<{ status: string; attempts: number; payload: Record<string, unknown> | string }>(`SELECT status, attempts, payload FROM deliveries WHERE idempotency_key = $1`, [key]);
    return row && { ...row, payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as Record<string, unknown>) : row.payload };
  }

  // What the peers hold and saw, for one link (`unique` in Tracker, `external_id` in Zendesk).
  const issuesOf = (ref: string): TrackerIssue[] => [...tracker.issues.values()].filter((i) => i.unique === ref);
  const ticketsOf = (ref: string): ZendeskTicket[] => [...zendesk.tickets.values()].filter((t) => t.external_id === ref);
  const trackerCreates = (ref: string): TrackerRequest[] => tracker.requestsTo('POST', '/v2/issues/').filter((r) => (r.body as { unique?: unknown } | undefined)?.unique === ref);
  const zendeskCreates = (ref: string): SeenRequest[] =>
    zendesk.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/tickets.json' && (r.body as { ticket?: { external_id?: unknown } } | undefined)?.ticket?.external_id === ref);
  const zendeskUpdates = (id: number): SeenRequest[] => zendesk.requests.filter((r) => r.method === 'PUT' && r.path === `/api/v2/tickets/${id}.json`);
  const executes = (key: string): TrackerRequest[] => tracker.requests.filter((r) => r.method === 'POST' && r.path.startsWith(`/v2/issues/${key}/transitions/`));

  function onlyOne<T>(items: T[], what: string): T {
    expect(items).toHaveLength(1);
    const [item] = items;
    if (item === undefined) throw new Error(`no ${what}`);
    return item;
  }

  /** Both tickets of a conversation, as the hub linked them and as the peers hold them. */
  async function ticketsFor(conversation: string) {
    const trackerLink = await linkOf(conversation, 'tracker-support');
    const zendeskLink = await linkOf(conversation, 'zendesk-support');
    const issue = onlyOne(issuesOf(trackerLink.id), 'Tracker issue');
    const ticket = onlyOne(ticketsOf(zendeskLink.id), 'Zendesk ticket');
    return { trackerLink, zendeskLink, issue, ticket };
  }

  it('a breach makes exactly one issue and one ticket through an hour-long outage and a lost answer; the escalation comments once on each', async () => {
    const t0 = clock.now();
    const breach = t0 + 60 * MINUTE;
    const recovered = breach + 60 * MINUTE;
    // Every create fails for the virtual hour after the breach: Tracker 503; Zendesk 503, then
    // 429 asking for 40 minutes (far past the backoff's 10-minute cap and the clock's 10-minute
    // steps, so a wait that ignored it would show). The first create after that is carried out
    // but its answer lost.
    tracker.outage(TRACKER_CREATE, { status: 503 }, recovered);
    tracker.failNext(TRACKER_CREATE, { lose: true });
    zendesk.outage(ZENDESK_CREATE, faults.unavailable(503), breach + 30 * MINUTE);
    zendesk.outage(ZENDESK_CREATE, faults.rateLimited(2400), recovered);
    zendesk.failNext(ZENDESK_CREATE, faults.lostAnswer());

    const id = await open('acme-outage', 'Invoices do not load since the update');
    await advanceTo(t0 + 215 * MINUTE);

    const { trackerLink, zendeskLink, issue, ticket } = await ticketsFor('acme-outage');
    // Tracker: the issue as the target maps it, made once; the retry after the lost answer got 409 and found it.
    expect(issue).toMatchObject({ unique: trackerLink.id, queue: { key: 'SUPPORT' }, summary: 'Acme support: Invoices do not load since the update', priority: { key: 'critical' }, tags: ['replywatch'] });
    expect(issue.description).toContain('Invoices do not load since the update');
    const trackerTries = trackerCreates(trackerLink.id);
    const trackerDown = trackerTries.filter((r) => r.at < recovered);
    expect(trackerDown.length).toBeGreaterThanOrEqual(2);
    expect(trackerDown.every((r) => r.status === 503 && r.at >= breach)).toBe(true);
    expect(trackerTries.filter((r) => r.at >= recovered).map((r) => r.status)).toEqual([201, 409]);

    // Zendesk: one ticket, every create under Idempotency-Key = the link's ref; Retry-After was waited out.
    expect(ticket).toMatchObject({ group_id: GROUP, priority: 'urgent', subject: 'Acme support: Invoices do not load since the update', tags: ['replywatch'] });
    expect(ticket.description).toContain('Invoices do not load since the update');
    const zendeskTries = zendeskCreates(zendeskLink.id);
    expect(zendeskTries.every((r) => r.headers['idempotency-key'] === zendeskLink.id)).toBe(true);
    const statuses = zendeskTries.filter((r) => r.at < recovered).map((r) => r.status);
    expect(statuses).toContain(503);
    expect(statuses).toContain(429);
    expect(zendeskTries.filter((r) => r.at >= recovered).map((r) => r.status)).toEqual([201]);
    zendeskTries.forEach((r, i) => {
      const next = zendeskTries[i + 1];
      if (r.status === 429 && next) expect(next.at - r.at).toBeGreaterThanOrEqual(2_400_000);
    });

    // The hub recorded what the peers made, and each create was delivered once it got through.
    expect(trackerLink).toMatchObject({ state: 'open', ticket_id: issue.id, ticket_key: issue.key, inquiries: 1 });
    expect(zendeskLink).toMatchObject({ state: 'open', ticket_id: String(ticket.id), ticket_key: `#${ticket.id}`, inquiries: 1 });
    expect((await delivery(`ticket:${trackerLink.id}:create`))?.status).toBe('delivered');
    expect((await delivery(`ticket:${zendeskLink.id}:create`))?.status).toBe('delivered');

    // The escalation at +30 min waited for the tickets, then landed once on each.
    expect(tracker.commentsOf(issue.key).filter((c) => c.text.startsWith('🚨 Still waiting — Acme support'))).toHaveLength(1);
    const notes = zendesk.commentsOf(ticket.id).filter((c) => c.body.startsWith('🚨 Still waiting — Acme support'));
    expect(notes).toMatchObject([{ author_id: API_USER_ID, public: false }]);

    // Duty heard of the breach before any ticket existed, and of the later step with both tickets.
    const atBreach = await delivery(`inquiry:${id}:mark:0:duty`);
    expect(atBreach?.payload.event).toBe('sla.breach');
    expect(atBreach?.payload).not.toHaveProperty('tickets');
    const later = await delivery(`inquiry:${id}:escalation:1:duty`);
    expect(later?.payload.tickets).toEqual(
      expect.arrayContaining([
        { target: 'tracker-support', key: issue.key, url: `https://tracker.yandex.ru/${issue.key}` },
        { target: 'zendesk-support', key: `#${ticket.id}`, url: `https://acme.zendesk.com/agent/tickets/${ticket.id}` },
      ]),
    );
    expect(later?.payload.tickets).toHaveLength(2);
  });

  it('a lost answer alone: Tracker finds its issue by unique, Zendesk replays the Idempotency-Key; one each', async () => {
    const t0 = clock.now();
    tracker.failNext(TRACKER_CREATE, { lose: true });
    zendesk.failNext(ZENDESK_CREATE, faults.lostAnswer());
    await open('acme-lost', 'The dashboard is blank');
    await advanceTo(t0 + 90 * MINUTE, linked('acme-lost'));

    const { trackerLink, zendeskLink, ticket } = await ticketsFor('acme-lost');
    expect(trackerCreates(trackerLink.id).map((r) => r.status)).toEqual([201, 409]);
    // Zendesk answered the second POST from its idempotency store: two 201s, one ticket.
    const tries = zendeskCreates(zendeskLink.id);
    expect(tries.map((r) => [r.status, r.headers['idempotency-key']])).toEqual([
      [201, zendeskLink.id],
      [201, zendeskLink.id],
    ]);
    expect(zendeskLink.ticket_id).toBe(String(ticket.id));
  });

  it('solving the ticket in Zendesk resolves the inquiry and closes the Tracker issue, without echoing back to Zendesk', async () => {
    const t0 = clock.now();
    const id = await open('acme-solve', 'Payments are declined');
    await advanceTo(t0 + 90 * MINUTE, linked('acme-solve'));
    const { trackerLink, zendeskLink, issue, ticket } = await ticketsFor('acme-solve');
    expect(clock.now()).toBeLessThan(t0 + 90 * MINUTE);

    const solved = await zendesk.deliver(hook, zendesk.agentSetStatus(ticket.id, 'solved'));
    expect(solved.status).toBe(200);
    expect(JSON.parse(solved.answer ?? '{}')).toMatchObject({ outcome: 'closed', ticket: String(ticket.id) });
    const view = await inquiry(id);
    expect(view.status).toBe('resolved');
    expect(view.events.filter((e) => e.type === 'resolved')).toMatchObject([{ actor: `zendesk:${AGENT_ID}` }]);

    // The last waiting inquiry resolved: the other target's ticket is resolved its way (the transition).
    await advanceTo(clock.now() + 30 * MINUTE, () => issue.status.key === 'resolved');
    expect(tracker.issues.get(issue.key)?.status.key).toBe('resolved');
    expect(executes(issue.key).map((r) => [r.path, r.status])).toEqual([[`/v2/issues/${issue.key}/transitions/resolve/_execute`, 200]]);
    expect(tracker.commentsOf(issue.key).filter((c) => c.text.startsWith(`Resolved in Replywatch by zendesk:${AGENT_ID}`))).toHaveLength(1);
    expect((await links('acme-solve')).map((l) => [l.target, l.state])).toEqual([
      ['tracker-support', 'closed'],
      ['zendesk-support', 'closed'],
    ]);

    // Past the escalation's time: the solved ticket got nothing back, neither a solve nor a comment.
    await advanceTo(t0 + 100 * MINUTE);
    expect(await delivery(`ticket:${zendeskLink.id}:resolve`)).toBeUndefined();
    expect((await delivery(`ticket:${trackerLink.id}:resolve`))?.status).toBe('delivered');
    expect(zendeskUpdates(ticket.id)).toEqual([]);
    expect(zendesk.commentsOf(ticket.id)).toHaveLength(1);
    expect(tracker.commentsOf(issue.key)).toHaveLength(1);
  });

  it('a forged or stale webhook changes nothing; a repeated delivery is handled once', async () => {
    const t0 = clock.now();
    const id = await open('acme-forged', 'The API returns 500');
    await advanceTo(t0 + 90 * MINUTE, linked('acme-forged'));
    const { trackerLink, ticket } = await ticketsFor('acme-forged');
    const event = zendesk.agentSetStatus(ticket.id, 'solved');

    const forged = await zendesk.deliver(hook, event, { secret: 'not-the-webhook-signing-secret' });
    const stale = await zendesk.deliver(hook, event, { skewMinutes: -6 });
    expect([forged.status, stale.status]).toEqual([401, 401]);
    expect(JSON.parse(forged.answer ?? '{}')).toMatchObject({ header: 'x-zendesk-webhook-signature' });
    expect(JSON.parse(stale.answer ?? '{}')).toMatchObject({ header: 'x-zendesk-webhook-signature-timestamp' });
    expect((await inquiry(id)).status).toBe('open');
    expect((await links('acme-forged')).map((l) => l.state)).toEqual(['open', 'open']);

    // Four minutes old is inside the window; the same delivery again is recognised.
    const genuine = await zendesk.deliver(hook, event, { skewMinutes: -4 });
    const again = await zendesk.redeliver(genuine);
    expect([genuine.status, again.status]).toEqual([200, 200]);
    expect(JSON.parse(genuine.answer ?? '{}')).toMatchObject({ outcome: 'closed' });
    expect(JSON.parse(again.answer ?? '{}')).toMatchObject({ outcome: 'duplicate' });
    const view = await inquiry(id);
    expect(view.status).toBe('resolved');
    expect(view.events.filter((e) => e.type === 'resolved')).toHaveLength(1);
    await advanceTo(clock.now() + 30 * MINUTE, async () => (await delivery(`ticket:${trackerLink.id}:resolve`))?.status === 'delivered');
    expect(executes(trackerLink.ticket_key ?? '')).toHaveLength(1);
  });

  it('a second inquiry in the conversation comments on the open issue and ticket instead of making new ones', async () => {
    const t0 = clock.now();
    const first = await open('acme-again', 'Exports are empty');
    await advanceTo(t0 + 90 * MINUTE, linked('acme-again'));
    const linkedAt = clock.now();
    await post('acme-again', 'Looking into it', 'staff');
    expect((await inquiry(first)).status).toBe('answered');
    await advanceTo(linkedAt + MINUTE);
    const second = await open('acme-again', 'And now the export fails too');
    expect(second).not.toBe(first);

    const { issue, ticket } = await ticketsFor('acme-again');
    const trackerSaid = () => tracker.commentsOf(issue.key).filter((c) => c.text.includes('And now the export fails too'));
    const zendeskSaid = () => zendesk.commentsOf(ticket.id).filter((c) => c.body.includes('And now the export fails too'));
    await advanceTo(linkedAt + 75 * MINUTE, () => trackerSaid().length > 0 && zendeskSaid().length > 0);

    expect(trackerSaid()).toHaveLength(1);
    expect(trackerSaid()[0]?.text).toContain('New inquiry from client-7');
    expect(zendeskSaid()).toMatchObject([{ author_id: API_USER_ID, public: false }]);
    const { trackerLink, zendeskLink } = await ticketsFor('acme-again');
    expect(await links('acme-again')).toHaveLength(2);
    expect(trackerLink).toMatchObject({ state: 'open', inquiries: 2 });
    expect(zendeskLink).toMatchObject({ state: 'open', inquiries: 2 });
    expect(trackerCreates(trackerLink.id)).toHaveLength(1);
    expect(zendeskCreates(zendeskLink.id)).toHaveLength(1);
  });

  it('an issue resolved in Tracker resolves the inquiry at the next poll and solves the Zendesk ticket; an agent comment does not answer where the target says no', async () => {
    const t0 = clock.now();
    const id = await open('acme-tracker', 'Login loops back to the start page');
    await advanceTo(t0 + 90 * MINUTE, linked('acme-tracker'));
    const { trackerLink, issue, ticket } = await ticketsFor('acme-tracker');

    const comment = tracker.agentComment(issue.key, AGENT, 'Reproduced, working on it');
    const read = () => tracker.requestsTo('GET', `/v2/issues/${issue.key}/comments`).some((r) => r.at > Date.parse(comment.createdAt.replace('+0000', 'Z')));
    await advanceTo(clock.now() + 15 * MINUTE, read);
    expect(read()).toBe(true);
    expect((await inquiry(id)).status).toBe('open');

    const robotComments = tracker.commentsOf(issue.key).length;
    tracker.agentTransition(issue.key, 'resolve', AGENT);
    await advanceTo(clock.now() + 20 * MINUTE, () => ticket.status === 'solved');
    const view = await inquiry(id);
    expect(view.status).toBe('resolved');
    expect(view.events.filter((e) => e.type === 'resolved')).toMatchObject([{ actor: 'tracker:Anna Agent' }]);
    expect(zendesk.tickets.get(ticket.id)?.status).toBe('solved');
    expect(zendeskUpdates(ticket.id).map((r) => (r.body as { ticket: { status?: string } }).ticket.status)).toEqual(['solved']);
    // Nothing went back to Tracker: no transition, no comment after the agent's.
    expect(executes(issue.key)).toEqual([]);
    expect(tracker.commentsOf(issue.key)).toHaveLength(robotComments);
    expect(await delivery(`ticket:${trackerLink.id}:resolve`)).toBeUndefined();
  });

  it('with agentRepliesAnswer, an agent comment in Tracker is the first response, at the time it was written; the robot’s own comments are not', async () => {
    const t0 = clock.now();
    const id = await open('acme-answers', 'Where is my invoice?');
    await advanceTo(t0 + 50 * MINUTE, linked('acme-answers', ['tracker-answers']));
    const link = await linkOf('acme-answers', 'tracker-answers');
    const issue = onlyOne(issuesOf(link.id), 'Tracker issue');
    expect(issue.queue.key).toBe('ANSWERS');
    expect(await links('acme-answers')).toHaveLength(1);

    // The breach comments on the issue as the robot; the back-sync reads it and lets it be.
    const robotSaid = () => tracker.commentsOf(issue.key).filter((c) => c.text.includes('SLA MISS') && c.createdBy.id === ROBOT.id);
    await advanceTo(t0 + 80 * MINUTE, () => robotSaid().length > 0);
    expect(robotSaid()).toHaveLength(1);
    await advanceTo(clock.now() + 10 * MINUTE);
    expect((await inquiry(id)).status).toBe('open');

    const answeredAt = clock.now();
    tracker.agentComment(issue.key, AGENT, 'Your invoice is in the billing portal');
    await advanceTo(clock.now() + 20 * MINUTE, async () => (await inquiry(id)).status !== 'open');

    const view = await inquiry(id);
    expect(view).toMatchObject({ status: 'answered', answeredAt: new Date(answeredAt).toISOString(), firstResponseMs: answeredAt - t0, responder: { id: 'tracker:Anna Agent' } });
  });
});
