import { type Clock } from '../../src/core/clock/clock';
import { type DovecotServer } from './dovecot';
import { startTestHub, type TestHub, type TestHubOptions } from './hub-harness';
import { type TestDatabase } from './test-database';

export const SUPPORT = 'support@example.test';
export const SUPPORT_PASSWORD = 'secret-pass-1';

export interface MailInquiry {
  status: string;
  conversation: string;
  title: string | null;
  responder: string | null;
  opened: string;
}

/** The mail connector's settings for one account on the harness Dovecot (plain text on loopback). */
export function mailAccount(server: DovecotServer, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'support', host: server.host, port: server.port, tls: 'none', user: SUPPORT, password: SUPPORT_PASSWORD, us: ['example.test'], ...overrides };
}

/** A hub watching the harness mailbox(es); `mail` adds or overrides settings of the connector. */
export function startMailHub(server: DovecotServer, options: { mail?: Record<string, unknown>; database?: TestDatabase; rules?: Record<string, unknown>; clock?: Clock } = {}): Promise<TestHub> {
  const hubOptions: TestHubOptions = {
    hub: { connectors: { log: { enabled: true }, mail: { accounts: [mailAccount(server)], ...options.mail } } },
    ...(options.database ? { database: options.database } : {}),
    ...(options.rules ? { rules: options.rules } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  };
  return startTestHub(hubOptions);
}

/** Every inquiry on the email channel, oldest first. */
export async function mailInquiries(hub: TestHub): Promise<MailInquiry[]> {
  return hub.db.query<MailInquiry>(
    `SELECT i.status, c.external_id AS conversation, c.title, i.responder_id AS responder, i.opened_at::text AS opened
       FROM inquiries i JOIN conversations c ON c.id = i.conversation_id
      WHERE c.channel = 'email' ORDER BY i.opened_at, i.created_at`,
  );
}

export async function mailMessageCount(hub: TestHub): Promise<number> {
  const [row] = await hub.db.query<{ n: number | string }>(`SELECT count(*) AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.channel = 'email'`);
  return Number(row?.n ?? 0);
}

/** Polls `check` until it returns true; fails with `what` (and the last value seen) after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The connector's health line as /health/ready shows it. */
export async function mailHealth(hub: TestHub): Promise<{ status: string; detail?: string } | undefined> {
  const response = await fetch(`${hub.url}/health/ready`);
  const body = (await response.json()) as { connectors?: Record<string, { status: string; detail?: string }> };
  return body.connectors?.mail;
}
