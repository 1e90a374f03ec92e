import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { faults, API_USER_ID } from '../../support/fake-zendesk';
import { freePort, spawnHub, stopHub } from '../../support/hub-process';
import { hubTicketDeliveries, postChat, startHelpdesks, ticketDeliveries, ticketLinks, ticketPolicy, writeHubConfig, writeRules, type Helpdesks } from '../../support/helpdesk-hubs';
import { until } from '../../support/mail-hub';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

const CONVERSATIONS = 20;
/** Every other conversation gets a second inquiry, which comments on its tickets. */
const twice = (i: number) => i % 2 === 0;
const conversation = (i: number) => `replica-${String(i).padStart(2, '0')}`;
const firstText = (i: number) => `First question from ${conversation(i)}`;
const secondText = (i: number) => `Second question from ${conversation(i)}`;

/**
 * Two hub processes on one PostgreSQL, each taking half of the messages, with a mark at 0m
 * that opens a Tracker issue and a Zendesk ticket for each conversation, and lost answers,
 * a 5xx and a 429 on the way: exactly one issue and one ticket per conversation, later
 * inquiries comment on them once, both processes delivered, nothing is dead.
 */
describe('helpdesk tickets from two replicas (postgres)', () => {
  const ingestSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const adminToken = randomBytes(24).toString('hex');
  const log: string[] = [];
  const hubs: ChildProcess[] = [];
  const ports: number[] = [];
  let helpdesks: Helpdesks;
  let database: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    helpdesks = await startHelpdesks(['SUPPORT']);
    database = await createTestDatabase('postgres');
    dir = mkdtempSync(path.join(tmpdir(), 'replywatch-helpdesk-replicas-'));
    writeRules(
      path.join(dir, 'rules.yaml'),
      [
        { name: 'tracker-support', connector: 'tracker', to: { queue: 'SUPPORT' } },
        { name: 'zendesk-support', connector: 'zendesk', to: {} },
      ],
      [ticketPolicy('default', ['tracker-support', 'zendesk-support'])],
    );
    for (const replica of [0, 1]) {
      const port = await freePort();
      ports.push(port);
      writeHubConfig(path.join(dir, `hub-${replica}.yaml`), {
        port,
        database,
        rulesFile: path.join(dir, 'rules.yaml'),
        ingestSecret,
        adminToken,
        helpdesks,
        outbox: { pollInterval: '100ms', baseDelay: '200ms', maxDelay: '1s' },
      });
    }
    // One after the other: the second waits for the first's migrations.
    for (const [replica, port] of ports.entries()) hubs.push(await spawnHub(path.join(dir, `hub-${replica}.yaml`), port, log));
  }, 90_000);

  afterAll(async () => {
    await Promise.all(hubs.map((hub) => stopHub(hub)));
    await helpdesks?.stop();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('one issue and one ticket per conversation, one comment per later inquiry, delivered by both replicas', async () => {
    const { tracker, zendesk } = helpdesks;
    // Answers lost after the work was done, and refusals, on creates and comments alike.
    tracker.failNext('POST /v2/issues/', { lose: true }, 3);
    tracker.failNext('POST /v2/issues/*/comments', { lose: true }, 2);
    tracker.failNext('POST /v2/issues/*/comments', { status: 503 });
    zendesk.failNext('POST /api/v2/tickets.json', faults.lostAnswer(), 2);
    zendesk.failNext('POST /api/v2/tickets.json', faults.rateLimited(1));
    zendesk.failNext('PUT /api/v2/tickets/*.json', faults.lostAnswer(), 2);
    zendesk.failNext('PUT /api/v2/tickets/*.json', faults.unavailable());

    const post = async (replica: number, input: Parameters<typeof postChat>[2]) => expect(await postChat(ports[replica % 2]!, ingestSecret, input)).toBe(200);
    for (let i = 0; i < CONVERSATIONS; i++) await post(i, { conversation: conversation(i), text: firstText(i) });
    // The first inquiry of each is answered (through the other replica), then the customer asks again.
    for (let i = 0; i < CONVERSATIONS; i++) if (twice(i)) await post(i + 1, { conversation: conversation(i), role: 'staff', text: 'Looking into it' });
    for (let i = 0; i < CONVERSATIONS; i++) if (twice(i)) await post(i + 1, { conversation: conversation(i), text: secondText(i) });

    const creates = CONVERSATIONS * 2;
    const comments = [...Array(CONVERSATIONS).keys()].filter(twice).length * 2;
    await until('every ticket delivery is delivered', async () => (await hubTicketDeliveries(ports[0]!, adminToken, 'delivered')).length >= creates + comments, 60_000).catch(async (error: unknown) => {
      const db = await database.open();
      const state = JSON.stringify(await db.query(`SELECT status, payload->>'event' AS event, count(*)::int, max(attempts), max(last_error) FROM deliveries GROUP BY 1, 2`));
      await db.close();
      throw new Error(`${String(error)}; ${state}; hub log: ${log.join('').slice(-2000)}`);
    });

    expect(tracker.issues.size).toBe(CONVERSATIONS);
    expect(zendesk.tickets.size).toBe(CONVERSATIONS);
    // The faults did happen: each create whose answer was lost was tried again and found the
    // first (Tracker: 409 on `unique`; Zendesk: the same Idempotency-Key), the 429 was waited out.
    expect(tracker.requestsTo('POST', '/v2/issues/').filter((r) => r.status === 409)).toHaveLength(3);
    expect(zendesk.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/tickets.json')).toHaveLength(CONVERSATIONS + 3);

    const db = await database.open();
    try {
      const links = await ticketLinks(db);
      expect(links).toHaveLength(CONVERSATIONS * 2);
      for (let i = 0; i < CONVERSATIONS; i++) {
        const [trackerLink, zendeskLink, ...more] = links.filter((l) => l.conversation === conversation(i));
        expect(more).toEqual([]);
        const inquiries = twice(i) ? 2 : 1;
        expect(trackerLink).toMatchObject({ target: 'tracker-support', state: 'open', inquiries });
        expect(zendeskLink).toMatchObject({ target: 'zendesk-support', state: 'open', inquiries });

        const issues = [...tracker.issues.values()].filter((issue) => issue.unique === trackerLink?.ref);
        expect(issues.map((issue) => [issue.id, issue.key])).toEqual([[trackerLink?.ticket_id, trackerLink?.ticket_key]]);
        expect(issues[0]?.description).toContain(firstText(i));
        const issueComments = tracker.commentsOf(issues[0]?.key ?? '').map((c) => c.text);
        expect(issueComments).toHaveLength(twice(i) ? 1 : 0);
        if (twice(i)) expect(issueComments[0]).toContain(secondText(i));

        const tickets = [...zendesk.tickets.values()].filter((ticket) => ticket.external_id === zendeskLink?.ref);
        expect(tickets.map((ticket) => String(ticket.id))).toEqual([zendeskLink?.ticket_id]);
        expect(tickets[0]?.description).toContain(firstText(i));
        const notes = zendesk.commentsOf(tickets[0]?.id ?? 0).filter((c) => c.author_id === API_USER_ID).map((c) => c.body);
        expect(notes).toHaveLength(twice(i) ? 1 : 0);
        if (twice(i)) expect(notes[0]).toContain(secondText(i));
      }

      const deliveries = await ticketDeliveries(db);
      expect(deliveries.filter((d) => d.event === 'ticket.create')).toHaveLength(creates);
      expect(deliveries.filter((d) => d.event === 'ticket.comment')).toHaveLength(comments);
      expect(deliveries.filter((d) => d.status !== 'delivered')).toEqual([]);
      // One outbox worker per process: two claimants are the two replicas.
      expect(new Set(deliveries.map((d) => d.claimed_by)).size).toBe(2);
      const [dead] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'dead'`);
      expect(dead?.n).toBe(0);
    } finally {
      await db.close();
    }
  }, 120_000);
});
