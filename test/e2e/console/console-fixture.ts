import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { ADMIN_TOKEN, ingestBody, latestInquiryId, startTestHub, type TestHub } from '../../support/hub-harness';
import { seedPolicy } from '../../support/sla-harness';

export const VIEWER_TOKEN = 'viewer-token-maria-0123456789';
export const OPERATOR_TOKEN = 'operator-token-oleg-0123456789';
export { ADMIN_TOKEN };

/** A hub with the console on at `path`, a viewer and an operator, and the seed policy (60 min, marks at 45/55/60). */
export async function startConsoleHub(
  options: { path?: string; clock?: VirtualClock; rules?: Record<string, unknown>; outbox?: Record<string, unknown>; connectors?: Record<string, unknown> } = {},
): Promise<TestHub> {
  return startTestHub({
    ...(options.clock ? { clock: options.clock } : {}),
    hub: {
      // Virtual time: a short poll would mean thousands of wake-ups per simulated hour.
      outbox: { pollInterval: '30s', baseDelay: '1s', ...options.outbox },
      ...(options.connectors ? { connectors: options.connectors } : {}),
      console: {
        // Virtual time again: a re-check every 5 s would be 540 database reads per 45 minutes.
        liveRecheck: '5m',
        ...(options.path ? { path: options.path } : {}),
        viewers: [{ name: 'maria', token: VIEWER_TOKEN }],
        operators: [{ name: 'oleg', token: OPERATOR_TOKEN }],
      },
    },
    rules: {
      calendars: { always: { alwaysOpen: true } },
      duty: { targets: [{ name: 'duty', connector: 'log', to: { chat: 'duty' } }] },
      policies: [seedPolicy('always')],
      ...options.rules,
    },
  });
}

/** Opens an inquiry in `conversation` titled `title`; returns its id. */
export async function openInquiry(hub: TestHub, conversation: string, title: string, sentAt = new Date(Date.now() - 60_000)): Promise<string> {
  const body = { ...ingestBody({ conversation, sentAt: sentAt.toISOString() }), conversation: { id: conversation, title } };
  const res = await hub.post(body);
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  return latestInquiryId(hub.db, conversation);
}

export interface SignedIn {
  cookie: string;
  csrf: string;
}

/** Signs in over HTTP as a browser would; returns the session cookie and the page's CSRF token. */
export async function signIn(hub: TestHub, token: string, prefix = ''): Promise<SignedIn> {
  const res = await fetch(`${hub.url}${prefix}/sign-in`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString() });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const page = await (await fetch(`${hub.url}${prefix}/`, { headers: { cookie } })).text();
  const csrf = /data-csrf="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error('no CSRF token on the queue page');
  return { cookie, csrf };
}

/** Posts a console form (url-encoded) with the given session and headers. */
export function postForm(hub: TestHub, path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${hub.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

export async function statusOf(hub: TestHub, inquiryId: string): Promise<string> {
  const [row] = await hub.db.query<{ status: string }>(`SELECT status FROM inquiries WHERE id = $1`, [inquiryId]);
  return row?.status ?? 'missing';
}

/** A hub whose duty target `ops-hook` is a Standard Webhooks endpoint at `receiverUrl` told of every opened inquiry. */
export function webhookHubOptions(receiverUrl: string, secretEnv: string) {
  return {
    // Two failed attempts make a dead letter; no breaker, so a replay goes out at once.
    outbox: { maxAttempts: 2, maxDelay: '2s', breaker: { failures: 0 } },
    connectors: {
      http: { enabled: true, secret: '${TEST_INGEST_SECRET}' },
      log: { enabled: true },
      webhook: { endpoints: [{ name: 'ops', url: `${receiverUrl}/hook`, secretEnv, timeout: '2s' }] },
    },
    rules: {
      duty: {
        targets: [
          { name: 'duty', connector: 'log', to: { chat: 'duty' } },
          { name: 'ops-hook', connector: 'webhook', to: { endpoint: 'ops' } },
        ],
      },
      notify: { inquiryOpened: ['ops-hook'] },
    },
  };
}

/** Deliveries of one connector by status. */
export async function deliveryCounts(hub: TestHub, connector: string): Promise<Record<string, number>> {
  const rows = await hub.db.query<{ status: string; n: number | string }>(`SELECT status, count(*) AS n FROM deliveries WHERE connector = $1 GROUP BY status`, [connector]);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Waits (in real time) until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** One table row's cells, tags stripped: `<tr data-figure="breaches">` → ['Breaches', '1']. */
export function rowCells(page: string, attribute: string): string[] {
  const row = new RegExp(`<tr ${attribute}[^>]*>([\\s\\S]*?)</tr>`).exec(page)?.[1] ?? '';
  return [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => (m[1] ?? '').replace(/<[^>]+>/g, '').trim());
}
