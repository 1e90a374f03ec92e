import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { type Database } from '../../src/core/persistence/database';
import { FakeTracker } from './fake-tracker';
import { FakeZendesk } from './fake-zendesk';
import { postSigned } from './hub-process';
import { type TestDatabase } from './test-database';

/** What hub processes need to reach the fake helpdesks, and the fakes themselves. */
export interface Helpdesks {
  tracker: FakeTracker;
  zendesk: FakeZendesk;
  stop(): Promise<void>;
}

export const TRACKER_ORG = '7654321';
export const TRACKER_TOKEN = 'y0_AgAAAAB-helpdesk-e2e-tracker-token';
export const ZENDESK_EMAIL = 'hub@acme.test';
export const ZENDESK_TOKEN = 'zd-api-token-helpdesk-e2e';

/** A fake Tracker with the given queues and a fake Zendesk, both on real time, listening. */
export async function startHelpdesks(queues: readonly string[]): Promise<Helpdesks> {
  const tracker = new FakeTracker({ orgId: TRACKER_ORG, oauthTokens: [TRACKER_TOKEN] });
  for (const queue of queues) tracker.queue(queue);
  const zendesk = new FakeZendesk({ subdomain: 'acme', email: ZENDESK_EMAIL, apiToken: ZENDESK_TOKEN });
  await Promise.all([tracker.start(), zendesk.start()]);
  return { tracker, zendesk, stop: async () => void (await Promise.all([tracker.stop(), zendesk.stop()])) };
}

/**
 * hub.yaml of a hub process with the HTTP intake and both helpdesk connectors pointed at the
 * fakes; `outbox` as the test needs it (short retries, a lease a restart can outwait).
 */
export function writeHubConfig(file: string, options: { port: number; database: TestDatabase; rulesFile: string; ingestSecret: string; adminToken: string; helpdesks: Helpdesks; outbox: Record<string, unknown> }): void {
  const { settings } = options.database;
  writeFileSync(
    file,
    stringify({
      server: { host: '127.0.0.1', port: options.port },
      database: settings.url ? { url: settings.url } : { dataDir: settings.dataDir, sharedBuffers: settings.sharedBuffers },
      rulesFile: options.rulesFile,
      admin: { token: options.adminToken },
      outbox: options.outbox,
      connectors: {
        http: { enabled: true, secret: options.ingestSecret },
        tracker: { baseUrl: options.helpdesks.tracker.url, token: TRACKER_TOKEN, orgId: TRACKER_ORG },
        zendesk: { subdomain: 'acme', baseUrl: options.helpdesks.zendesk.url, email: ZENDESK_EMAIL, apiToken: ZENDESK_TOKEN },
      },
    }),
  );
}

/** A policy whose mark at 0m asks each of `targets` for a ticket: it fires as the inquiry opens. */
export function ticketPolicy(name: string, targets: readonly string[], conversations?: readonly string[]): Record<string, unknown> {
  return {
    name,
    ...(conversations ? { match: { conversations: [...conversations] } } : {}),
    target: '60m',
    calendar: 'always',
    marks: [{ at: '0m', level: 'info', message: 'Ticket opened — {title}', actions: targets.map((target) => ({ createTicket: { target } })) }],
  };
}

/** One message through the signed HTTP channel of a hub process; the hub's status code. */
export async function postChat(port: number, ingestSecret: string, input: { conversation: string; text: string; role?: 'customer' | 'staff'; author?: string }): Promise<number> {
  const role = input.role ?? 'customer';
  const body = JSON.stringify({
    conversation: { id: input.conversation, title: `Chat ${input.conversation}` },
    message: { id: randomUUID(), text: input.text, sentAt: new Date(Date.now() - 500).toISOString() },
    author: { id: input.author ?? (role === 'staff' ? 'agent-1' : 'c-1'), role },
  });
  return postSigned(port, ingestSecret, body);
}

/** The hub's ticket deliveries in `status`, through its admin API (any backend, while it runs). */
export async function hubTicketDeliveries(port: number, adminToken: string, status: 'pending' | 'in_flight' | 'delivered' | 'dead'): Promise<Array<{ idempotency_key: string; status: string }>> {
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/deliveries?status=${status}&limit=500`, { headers: { authorization: `Bearer ${adminToken}` } });
  if (response.status !== 200) throw new Error(`GET /api/v1/deliveries answered ${response.status}: ${await response.text()}`);
  const { items } = (await response.json()) as { items: Array<{ idempotency_key: string; kind: string; status: string }> };
  return items.filter((d) => d.kind === 'ticket');
}

export interface LinkRow {
  ref: string;
  conversation: string;
  target: string;
  state: string;
  ticket_id: string | null;
  ticket_key: string | null;
  inquiries: number;
}

/** Every ticket link, by conversation and target. */
export function ticketLinks(db: Database): Promise<LinkRow[]> {
  return db.query<LinkRow>(
    `SELECT l.id::text AS ref, c.external_id AS conversation, l.target, l.state, l.ticket_id, l.ticket_key,
            (SELECT count(*)::int FROM ticket_link_inquiries t WHERE t.link_id = l.id) AS inquiries
       FROM ticket_links l JOIN conversations c ON c.id = l.conversation_id ORDER BY c.external_id, l.target, l.created_at`,
  );
}

export interface TicketDeliveryRow {
  idempotency_key: string;
  connector: string;
  target: string;
  event: string;
  status: string;
  attempts: number;
  claimed_by: string | null;
  last_error: string | null;
  conversation: string;
}

/** Every ticket delivery, oldest first. */
export function ticketDeliveries(db: Database): Promise<TicketDeliveryRow[]> {
  return db.query<TicketDeliveryRow>(
    `SELECT idempotency_key, connector, target->>'name' AS target, payload->>'event' AS event, status, attempts, claimed_by, last_error,
            payload->'conversation'->>'id' AS conversation
       FROM deliveries WHERE kind = 'ticket' ORDER BY seq`,
  );
}

/** The rules file of a hub: an always-open calendar, the helpdesk targets, the policies. */
export function writeRules(file: string, targets: ReadonlyArray<{ name: string; connector: 'tracker' | 'zendesk'; to: Record<string, unknown> }>, policies: ReadonlyArray<Record<string, unknown>>): void {
  writeFileSync(file, stringify({ version: 1, calendars: { always: { alwaysOpen: true } }, tickets: { targets }, policies }));
}
