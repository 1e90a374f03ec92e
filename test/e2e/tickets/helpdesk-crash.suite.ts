import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, spawnHub, stopHub } from '../../support/hub-process';
import { hubTicketDeliveries, postChat, startHelpdesks, ticketDeliveries, ticketLinks, ticketPolicy, writeHubConfig, writeRules, type Helpdesks } from '../../support/helpdesk-hubs';
import { until } from '../../support/mail-hub';
import { createTestDatabase, testBackend, type TestDatabase } from '../../support/test-database';

/** Its creates reach the helpdesks, which do the work and hold the answers when the hub dies. */
const DONE = 'answer-held';
/** Its creates are held by the helpdesks before they act when the hub dies. */
const HELD = 'request-held';
const TRACKER_CREATE = 'POST /v2/issues/';
const ZENDESK_CREATE = 'POST /api/v2/tickets.json';
/** Longer than the whole test: an answer or request held this long is never let go before the kill. */
const HOLD_MS = 120_000;

/**
 * A hub process killed with SIGKILL while its ticket creates are in flight, then started
 * again on the same database: the creates are tried again once the dead claim's lease runs
 * out, and every conversation ends with exactly one Tracker issue and one Zendesk ticket per
 * target, whether the helpdesk had made it before the kill (Tracker: 409 on `unique`, then
 * `_search`; Zendesk: the same Idempotency-Key) or not.
 */
describe(`helpdesk tickets across a SIGKILL mid-create (${testBackend})`, () => {
  const ingestSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const adminToken = randomBytes(24).toString('hex');
  const log: string[] = [];
  let helpdesks: Helpdesks;
  let database: TestDatabase;
  let dir: string;
  let port: number;
  let hub: ChildProcess | undefined;

  beforeAll(async () => {
    helpdesks = await startHelpdesks(['ALPHA', 'BRAVO']);
    database = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), 'replywatch-helpdesk-crash-'));
    port = await freePort();
    // Two pairs of targets: deliveries to one target leave one after another, so each
    // conversation's creates have targets of their own and are in flight at the same time.
    writeRules(
      path.join(dir, 'rules.yaml'),
      [
        { name: 'tracker-a', connector: 'tracker', to: { queue: 'ALPHA' } },
        { name: 'zendesk-a', connector: 'zendesk', to: { type: 'incident' } },
        { name: 'tracker-b', connector: 'tracker', to: { queue: 'BRAVO' } },
        { name: 'zendesk-b', connector: 'zendesk', to: { type: 'question' } },
      ],
      [ticketPolicy('answer-held', ['tracker-a', 'zendesk-a'], [DONE]), ticketPolicy('default', ['tracker-b', 'zendesk-b'])],
    );
    writeHubConfig(path.join(dir, 'hub.yaml'), {
      port,
      database,
      rulesFile: path.join(dir, 'rules.yaml'),
      ingestSecret,
      adminToken,
      helpdesks,
      // The killed process's claims are taken over when their lease runs out (10 s); an attempt
      // may last 8 s, well past the moment of the kill, so the first process never gives up on
      // its own. Retries after that are quick.
      outbox: { pollInterval: '200ms', baseDelay: '200ms', maxDelay: '1s', lease: '10s', attemptTimeout: '8s' },
    });
  });

  afterAll(async () => {
    if (hub && hub.exitCode === null && hub.signalCode === null) hub.kill('SIGKILL');
    await helpdesks?.stop();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const creates = () => [...helpdesks.tracker.requestsTo('POST', '/v2/issues/'), ...helpdesks.zendesk.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/tickets.json')];

  it('ends with one issue and one ticket per conversation and target, linked, every delivery delivered', async () => {
    const { tracker, zendesk } = helpdesks;
    const first = await spawnHub(path.join(dir, 'hub.yaml'), port, log);
    hub = first;

    tracker.failNext(TRACKER_CREATE, { answerAfterMs: HOLD_MS });
    zendesk.failNext(ZENDESK_CREATE, { answerAfterMs: HOLD_MS });
    expect(await postChat(port, ingestSecret, { conversation: DONE, text: 'Invoices do not load' })).toBe(200);
    await until('both helpdesks made what the first creates asked for', () => Promise.resolve(tracker.issues.size === 1 && zendesk.tickets.size === 1), 20_000);

    tracker.failNext(TRACKER_CREATE, { delayMs: HOLD_MS });
    zendesk.failNext(ZENDESK_CREATE, { delayMs: HOLD_MS });
    expect(await postChat(port, ingestSecret, { conversation: HELD, text: 'The export fails' })).toBe(200);
    await until('the second creates reach both helpdesks', () => Promise.resolve(creates().length === 4), 20_000);

    // All four in flight: none answered, none tried twice, two made and two not.
    expect(creates().map((r) => r.status)).toEqual([0, 0, 0, 0]);
    expect([tracker.issues.size, zendesk.tickets.size]).toEqual([1, 1]);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    // The kill, not a timeout of the hub's, ended each of them (and the fakes saw that).
    await until('the helpdesks see the connections closed', () => Promise.resolve(creates().every((r) => r.closedAfterMs !== undefined)), 5000);
    expect(creates().every((r) => (r.closedAfterMs ?? Infinity) < 8000)).toBe(true);
    expect([tracker.issues.size, zendesk.tickets.size]).toEqual([1, 1]);

    hub = await spawnHub(path.join(dir, 'hub.yaml'), port, log);
    await until(
      'the four creates are delivered after the restart',
      async () => (await hubTicketDeliveries(port, adminToken, 'delivered')).length === 4,
      40_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; tracker saw ${JSON.stringify(tracker.requests.map((r) => [r.method, r.path, r.status]))}; hub log: ${log.join('').slice(-3000)}`);
    });
    await stopHub(hub);

    // Exactly one of each per target, whatever the helpdesk knew at the kill.
    expect(tracker.issues.size).toBe(2);
    expect(zendesk.tickets.size).toBe(2);
    // The made-before-the-kill ones were found again, not made again.
    const trackerCreates = tracker.requestsTo('POST', '/v2/issues/');
    expect(trackerCreates.map((r) => [(r.body as { queue?: string }).queue, r.status])).toEqual(
      expect.arrayContaining([
        ['ALPHA', 0],
        ['BRAVO', 0],
        ['ALPHA', 409],
        ['BRAVO', 201],
      ]),
    );
    expect(trackerCreates).toHaveLength(4);
    expect(tracker.requestsTo('POST', '/v2/issues/_search').map((r) => r.status)).toEqual([200]);
    const zendeskCreates = zendesk.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/tickets.json');
    expect(zendeskCreates).toHaveLength(4);
    // The same Idempotency-Key both times, per ticket ref.
    const keys = zendeskCreates.map((r) => r.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(2);

    const db = await database.open();
    try {
      const links = await ticketLinks(db);
      expect(links.map((l) => [l.conversation, l.target, l.state, l.inquiries])).toEqual([
        [DONE, 'tracker-a', 'open', 1],
        [DONE, 'zendesk-a', 'open', 1],
        [HELD, 'tracker-b', 'open', 1],
        [HELD, 'zendesk-b', 'open', 1],
      ]);
      for (const link of links) {
        if (link.target.startsWith('tracker')) {
          const issue = [...tracker.issues.values()].find((i) => i.unique === link.ref);
          expect([link.ticket_id, link.ticket_key]).toEqual([issue?.id, issue?.key]);
          expect(issue?.queue.key).toBe(link.target === 'tracker-a' ? 'ALPHA' : 'BRAVO');
        } else {
          const ticket = [...zendesk.tickets.values()].find((t) => t.external_id === link.ref);
          expect(link.ticket_id).toBe(String(ticket?.id));
          expect(ticket?.type).toBe(link.target === 'zendesk-a' ? 'incident' : 'question');
        }
      }
      expect(new Set(keys)).toEqual(new Set(links.filter((l) => l.target.startsWith('zendesk')).map((l) => l.ref)));

      // Delivered on the second attempt (the first died with its process), nothing dead.
      const deliveries = await ticketDeliveries(db);
      expect(deliveries.map((d) => [d.conversation, d.target, d.event, d.status, d.attempts])).toEqual(
        expect.arrayContaining([
          [DONE, 'tracker-a', 'ticket.create', 'delivered', 2],
          [DONE, 'zendesk-a', 'ticket.create', 'delivered', 2],
          [HELD, 'tracker-b', 'ticket.create', 'delivered', 2],
          [HELD, 'zendesk-b', 'ticket.create', 'delivered', 2],
        ]),
      );
      expect(deliveries).toHaveLength(4);
      const [dead] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE status <> 'delivered'`);
      expect(dead?.n).toBe(0);
    } finally {
      await db.close();
    }
  }, 120_000);
});
