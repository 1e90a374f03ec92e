import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { ConfigError } from '../../../src/core/config/config-error';
import { ingestBody, latestInquiryId, startTestHub, type TestHub } from '../../support/hub-harness';
import { until } from '../../support/mail-hub';
import { advanceInSteps } from '../../support/virtual-steps';
import { testBackend } from '../../support/test-database';
import { testDesk, type TestDesk } from '../../support/test-desk';

const MINUTE = 60_000;

/** A policy whose breach opens a ticket and whose escalation step comments on it. */
function rules(extra: { agentRepliesAnswer?: boolean } = {}, onOpen = false) {
  const opening = { at: '0m', level: 'info', message: 'Ticket opened — {title}', actions: [{ createTicket: { target: 'desk-support' } }] };
  return {
    calendars: { always: { alwaysOpen: true } },
    customers: [{ conversations: ['vip-1'], tier: 'gold', tags: ['enterprise'] }],
    duty: { targets: [{ name: 'duty', connector: 'log', to: {} }] },
    tickets: {
      targets: [
        {
          name: 'desk-support',
          connector: 'desk',
          to: { queue: 'SUPPORT' },
          priority: { default: 'normal', tiers: { gold: 'critical' }, levels: { breach: 'high' } },
          tags: ['replywatch'],
          fields: { component: 'billing' },
          ...extra,
        },
      ],
    },
    policies: [
      {
        name: 'default',
        target: '60m',
        calendar: 'always',
        marks: [...(onOpen ? [opening] : []), { at: '100%', level: 'breach', emoji: '⚠️', message: 'SLA MISS — {title}', actions: [{ notify: ['duty'] }, { createTicket: { target: 'desk-support' } }] }],
        escalation: [{ after: '30m', message: 'Still waiting — {title}', actions: [{ createTicket: { target: 'desk-support' } }] }],
      },
    ],
  };
}

interface LinkRow {
  state: string;
  ticket_id: string | null;
  target: string;
  inquiries: number;
}

/** The hub's ticket links through the running hub: breach → one ticket, comments, both ways of closing. */
describe(`ticket links (${testBackend})`, () => {
  let clock: VirtualClock;
  let desk: TestDesk;
  let hub: TestHub;
  const start = Date.now() - MINUTE;

  async function startHub(extra: { agentRepliesAnswer?: boolean } = {}, onOpen = false): Promise<void> {
    clock = new VirtualClock(start);
    desk = testDesk();
    hub = await startTestHub({
      clock,
      plugins: [desk.plugin],
      hub: {
        // Virtual time: the loops wake on this hub's own writes; a short poll (meant for rows
        // other replicas write) would only add idle passes per simulated minute.
        outbox: { pollInterval: '10m', baseDelay: '1s', maxDelay: '2m' },
        connectors: { http: { enabled: true, secret: '${TEST_INGEST_SECRET}' }, log: { enabled: true }, desk: { enabled: true } },
      },
      rules: rules(extra, onOpen),
    });
  }

  afterEach(async () => {
    await hub?.close();
  });

  const advanceTo = (ms: number, settled?: () => boolean | Promise<boolean>) => advanceInSteps(clock, ms, settled);

  async function open(conversation: string, at: number, text = 'Invoices do not load'): Promise<string> {
    const response = await hub.post(ingestBody({ conversation, text, sentAt: new Date(at).toISOString() }));
    expect(response.status).toBe(200);
    return latestInquiryId(hub.db, conversation);
  }

  const links = (conversation: string) =>
    hub.db.query<LinkRow>(
      `SELECT l.state, l.ticket_id, l.target, (SELECT count(*)::int FROM ticket_link_inquiries t WHERE t.link_id = l.id) AS inquiries
         FROM ticket_links l JOIN conversations c ON c.id = l.conversation_id WHERE c.external_id = $1 ORDER BY l.created_at`,
      [conversation],
    );
  /**
   * The ticket deliveries the desk took for a conversation, one per delivery: a virtual jump
   * while an attempt is in flight can time it out and send it again, which the desk (keyed by
   * the ticket's ref, as a real helpdesk) absorbs; the tickets it holds are counted apart.
   */
  const events = (conversation: string) =>
    desk.delivered.filter((d, i, all) => d.payload.event.startsWith('ticket.') && 'conversation' in d.payload && d.payload.conversation?.id === conversation && all.findIndex((o) => o.id === d.id) === i);

  it('a breach creates exactly one ticket through a peer outage, with the mapped fields; the escalation comments on it', async () => {
    await startHub();
    const inquiry = await open('vip-1', start);
    desk.failNext(3);
    await advanceTo(start + 62 * MINUTE, () => events('vip-1').length >= 1);
    await advanceTo(start + 95 * MINUTE, () => events('vip-1').length >= 2);
    const [create, comment] = events('vip-1');
    expect(create?.payload).toMatchObject({
      event: 'ticket.create',
      priority: 'critical',
      tags: ['replywatch', 'enterprise'],
      fields: { component: 'billing' },
      requester: { id: 'client-7' },
      reason: 'breach',
      conversation: { channel: 'http', id: 'vip-1', title: 'Acme support' },
    });
    expect(create?.target).toMatchObject({ name: 'desk-support', queue: 'SUPPORT' });
    expect(String((create?.payload as { description?: string }).description)).toContain('Invoices do not load');
    expect(comment?.payload).toMatchObject({ event: 'ticket.comment', ticket: { id: 'D-1', key: 'D-1', url: 'https://desk.example.test/D-1' }, reason: 'escalation' });
    expect(desk.tickets.size).toBe(1);
    expect(await links('vip-1')).toEqual([{ state: 'open', ticket_id: 'D-1', target: 'desk-support', inquiries: 1 }]);
    const attempts = await hub.db.query<{ attempts: number; status: string }>(`SELECT attempts, status FROM deliveries WHERE idempotency_key LIKE 'ticket:%:create'`);
    // Three refused attempts, then the one that made it (one more if a virtual jump timed one out).
    expect(attempts).toEqual([{ attempts: expect.any(Number) as number, status: 'delivered' }]);
    expect(attempts[0]?.attempts).toBeGreaterThanOrEqual(4);
    // Where people look: the admin API, and the CSV's tickets column.
    const view = (await (await hub.admin(`/api/v1/inquiries/${inquiry}`)).json()) as { tickets: unknown };
    expect(view.tickets).toEqual([{ target: 'desk-support', state: 'open', id: 'D-1', key: 'D-1', url: 'https://desk.example.test/D-1' }]);
    const day = (offset: number) => new Date(start + offset * 86_400_000).toISOString().slice(0, 10);
    const csv = await (await hub.admin(`/api/v1/reports?from=${day(-1)}&to=${day(2)}&format=csv`)).text();
    expect(csv.split('\r\n')[0]?.endsWith(',responder,tickets')).toBe(true);
    expect(csv.split('\r\n')[1]?.endsWith(',D-1')).toBe(true);
    // /slastat's text and the JSON report name the open ticket beside the hot conversation.
    const report = (await (await hub.admin(`/api/v1/reports?from=${day(-1)}&to=${day(2)}`)).json()) as { hotConversations: Array<{ conversation: string; tickets?: string[] }> };
    expect(report.hotConversations).toEqual([expect.objectContaining({ conversation: 'vip-1', tickets: ['D-1'] })]);
  });

  it('a mark at 0m opens the ticket as soon as the inquiry opens; the breach then comments', async () => {
    await startHub({}, true);
    await open('acme-0', start);
    await advanceTo(start + 2 * MINUTE, () => events('acme-0').length >= 1);
    expect(events('acme-0').map((d) => [d.payload.event, (d.payload as { reason?: string }).reason])).toEqual([['ticket.create', 'info']]);
    await advanceTo(start + 62 * MINUTE, () => events('acme-0').length >= 2);
    expect(events('acme-0').map((d) => [d.payload.event, (d.payload as { reason?: string }).reason])).toEqual([
      ['ticket.create', 'info'],
      ['ticket.comment', 'breach'],
    ]);
    expect(desk.tickets.size).toBe(1);
  });

  it("copies the customer's later messages to the open ticket, several to a comment, each once", async () => {
    await startHub();
    await open('acme-f', start);
    await advanceTo(start + 62 * MINUTE, () => events('acme-f').length >= 1);
    await until('the ticket is linked', async () => (await links('acme-f'))[0]?.state === 'open');
    // Both written between two passes of the follower (the clock stands still meanwhile).
    await advanceTo(start + 63 * MINUTE);
    for (const [second, text] of [[0, 'Still broken'], [1, 'Any news?']] as const) {
      expect((await hub.post(ingestBody({ conversation: 'acme-f', text, sentAt: new Date(start + 63 * MINUTE - 2000 + second * 1000).toISOString() }))).status).toBe(200);
    }
    await advanceTo(start + 70 * MINUTE, () => events('acme-f').length >= 2);
    await advanceTo(start + 80 * MINUTE);
    const comments = events('acme-f').filter((d) => d.payload.event === 'ticket.comment');
    expect(comments).toHaveLength(1);
    expect(comments[0]?.payload).toMatchObject({ reason: 'message', ticket: { id: 'D-1' } });
    expect(comments[0]?.payload.text).toMatch(/^The customer wrote 2 more messages:\n\[.*\] client-7: Still broken\n\[.*\] client-7: Any news\?$/);
    // A staff answer ends the following: the conversation is staff's again.
    await hub.post(ingestBody({ conversation: 'acme-f', role: 'staff', author: 'agent-1', sentAt: new Date(start + 80 * MINUTE).toISOString() }));
    await advanceTo(start + 81 * MINUTE);
    expect((await hub.post(ingestBody({ conversation: 'acme-f', text: 'Thanks!', sentAt: new Date(start + 81 * MINUTE).toISOString() }))).status).toBe(200);
    await advanceTo(start + 85 * MINUTE);
    expect(events('acme-f').filter((d) => d.payload.event === 'ticket.comment')).toHaveLength(1);
  });

  it('a second inquiry in the conversation comments on the open ticket; resolving the last waiting one closes the ticket', async () => {
    await startHub();
    const first = await open('acme-2', start);
    await advanceTo(start + 62 * MINUTE, () => events('acme-2').length >= 1);
    // Messages are written at the hub's (virtual) now: one from its future would be taken as now.
    await advanceTo(start + 63 * MINUTE);
    await hub.post(ingestBody({ conversation: 'acme-2', role: 'staff', author: 'agent-1', sentAt: new Date(start + 63 * MINUTE).toISOString() }));
    await advanceTo(start + 64 * MINUTE);
    const second = await open('acme-2', start + 64 * MINUTE, 'And now the export fails too');
    await advanceTo(start + 126 * MINUTE, () => events('acme-2').length >= 2);
    const [, comment] = events('acme-2');
    expect(comment?.payload).toMatchObject({ event: 'ticket.comment', inquiryId: second, reason: 'inquiry.opened', ticket: { id: 'D-1' } });
    expect(comment?.payload.text).toContain('And now the export fails too');
    expect(desk.tickets.size).toBe(1);
    expect(await links('acme-2')).toEqual([{ state: 'open', ticket_id: 'D-1', target: 'desk-support', inquiries: 2 }]);

    expect((await hub.command(`/api/v1/inquiries/${second}/resolve`, { by: 'lead' })).status).toBe(200);
    await advanceTo(clock.now() + 2 * MINUTE, () => events('acme-2').length >= 3);
    expect(events('acme-2').map((d) => d.payload.event)).toEqual(['ticket.create', 'ticket.comment', 'ticket.resolve']);
    expect(events('acme-2')[2]?.payload).toMatchObject({ by: 'lead', ticket: { id: 'D-1' } });
    expect(desk.tickets.get([...desk.tickets.keys()][0] ?? '')?.resolved).toBe(true);
    expect((await links('acme-2'))[0]?.state).toBe('closed');
    expect(first).not.toBe(second);
  });

  it('closing in the helpdesk resolves every waiting inquiry it carries and sends nothing back', async () => {
    await startHub();
    const inquiry = await open('acme-3', start);
    await advanceTo(start + 62 * MINUTE, () => events('acme-3').length >= 1);
    await until('the ticket is linked', async () => (await links('acme-3'))[0]?.state === 'open');
    const [link] = await desk.service().open();
    expect(link).toMatchObject({ target: 'desk-support', id: 'D-1', key: 'D-1', waiting: [inquiry], conversation: { channel: 'http', id: 'acme-3' } });
    expect(await desk.service().find('D-1')).toMatchObject({ ref: link?.ref });
    expect(await desk.service().closed(link?.ref ?? '', { by: 'desk:agent-5' })).toBe(1);
    expect(await desk.service().closed(link?.ref ?? '', { by: 'desk:agent-5' })).toBe(0);
    const [row] = await hub.db.query<{ status: string }>(`SELECT status FROM inquiries WHERE id = $1`, [inquiry]);
    expect(row?.status).toBe('resolved');
    await advanceTo(clock.now() + 3 * MINUTE);
    expect(events('acme-3').map((d) => d.payload.event)).toEqual(['ticket.create']);
    expect(await desk.service().open()).toEqual([]);
  });

  it("an agent's public answer counts as the first response only where the target says so", async () => {
    await startHub({ agentRepliesAnswer: true });
    const inquiry = await open('acme-4', start);
    await advanceTo(start + 62 * MINUTE, () => events('acme-4').length >= 1);
    await until('the ticket is linked', async () => (await links('acme-4'))[0]?.state === 'open');
    const [link] = await desk.service().open();
    const answeredAt = new Date(start + 61.5 * MINUTE);
    expect(await desk.service().answered(link?.ref ?? '', { by: 'desk:agent-5', at: answeredAt })).toBe(1);
    expect(await desk.service().answered(link?.ref ?? '', { by: 'desk:agent-5', at: answeredAt })).toBe(0);
    const [row] = await hub.db.query<{ status: string; answered_at: Date; first_response_ms: string; breached: boolean }>(
      `SELECT status, answered_at, first_response_ms, breached FROM inquiries WHERE id = $1`,
      [inquiry],
    );
    expect(row).toMatchObject({ status: 'answered', breached: true });
    expect(new Date(row?.answered_at ?? 0).getTime()).toBe(answeredAt.getTime());
    expect(Number(row?.first_response_ms)).toBe(61.5 * MINUTE);
  });

  it('does not count an agent answer where the target leaves agentRepliesAnswer off', async () => {
    await startHub();
    await open('acme-5', start);
    await advanceTo(start + 62 * MINUTE, () => events('acme-5').length >= 1);
    await until('the ticket is linked', async () => (await links('acme-5'))[0]?.state === 'open');
    const [link] = await desk.service().open();
    expect(await desk.service().answered(link?.ref ?? '', { by: 'desk:agent-5', at: new Date(clock.now()) })).toBe(0);
  });

  it('refuses rules naming an unknown ticket target, or a to: the connector does not take, with the place', async () => {
    const bad = rules();
    const marks = bad.policies[0]?.marks ?? [];
    marks[0] = { ...marks[0], actions: [{ createTicket: { target: 'desk-suport' } }] } as (typeof marks)[number];
    await expect(startTestHub({ plugins: [testDesk().plugin], hub: { connectors: { http: { enabled: true, secret: '${TEST_INGEST_SECRET}' }, log: { enabled: true }, desk: { enabled: true } } }, rules: bad })).rejects.toThrow(
      /rules\.yaml:\d+:\d+ policies\[0\]\.marks\[0\]\.actions\[0\]\.createTicket\.target: unknown ticket target; did you mean "desk-support"/,
    );
    const wrongTo = rules();
    (wrongTo.tickets.targets[0] as { to: Record<string, unknown> }).to = { queu: 'SUPPORT' };
    const refused = startTestHub({ plugins: [testDesk().plugin], hub: { connectors: { http: { enabled: true, secret: '${TEST_INGEST_SECRET}' }, log: { enabled: true }, desk: { enabled: true } } }, rules: wrongTo });
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toThrow(/tickets\.targets\[0\]\.to/);
  });
});
