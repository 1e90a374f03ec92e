import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { type HttpConfig } from '../connectors/http/http.config';
import { resolveIngestSecret } from '../connectors/http/ingest-secret';
import { loadConfig } from '../core/config/load-config';
import { buildCatalog } from '../hub.module';
import { SEND } from './commands';
import { hubUnreachable } from './hub-unreachable';
import { parseCommand } from './parse-command';
import { UsageError } from './usage-error';

const SEND_TIMEOUT_MS = 10_000;

/**
 * Signs one message with the hub's HTTP ingest secret and posts it: the quickest way to see
 * an inquiry open (customer) and get answered (staff) on a fresh install.
 */
export async function runSend(args: string[]): Promise<number> {
  const { values } = parseCommand(SEND, args);
  if (!values.conversation || values.text === undefined) throw new UsageError('send needs --conversation ID and --text TEXT');
  if (values.role !== undefined && !['customer', 'staff', 'bot'].includes(values.role)) throw new UsageError('--role: expected customer, staff or bot');
  if (values.url !== undefined) checkUrl(values.url);

  const config = loadConfig();
  // The http channel's settings as the hub would read them (hub.yaml, HTTP_INGEST_SECRET).
  const http = buildCatalog(config).enabled.get('http');
  if (!http) throw new Error('the http channel is not enabled in this configuration');
  const secret = resolveIngestSecret(http.config as HttpConfig, config.hub.database.dataDir, { create: false });
  if (!secret) throw new Error('no HTTP ingest secret yet: start the hub once, or set HTTP_INGEST_SECRET');

  const body = JSON.stringify({
    conversation: { id: values.conversation },
    message: { id: randomUUID(), text: values.text, sentAt: new Date().toISOString() },
    author: { id: values.author, ...(values.role ? { role: values.role } : {}) },
  });
  const webhookId = `msg_${randomUUID()}`;
  // One instant for the signature and its header, or a send at a second's edge is refused.
  const signedAt = new Date();
  const signature = new Webhook(secret.secret).sign(webhookId, signedAt, body);
  const base = values.url ?? `http://${config.hub.server.host === '0.0.0.0' ? '127.0.0.1' : config.hub.server.host}:${config.hub.server.port}`;
  const url = `${base.replace(/\/+$/, '')}/api/v1/messages`;
  const response = await fetch(url, {
    method: 'POST',
    // A hub answers at once; an address that swallows packets should not hang the terminal.
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    headers: {
      'content-type': 'application/json',
      'webhook-id': webhookId,
      'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
      'webhook-signature': signature,
    },
    body,
  }).catch((error: unknown) => {
    throw hubUnreachable(url, error, values.url === undefined ? { kind: 'config', file: config.hubSource.file, builtIn: config.builtIn } : { kind: 'option' });
  });
  process.stdout.write(`${response.status} ${await response.text()}\n`);
  return response.ok ? 0 : 1;
}

/** The hub's base URL: http(s) and no credentials (fetch refuses them; send signs instead). */
function checkUrl(url: string): void {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) throw new UsageError("--url: expected the hub's http(s) base URL, e.g. http://127.0.0.1:3000");
  if (parsed.username || parsed.password) throw new UsageError('--url: leave out the user and password; send signs each message with the HTTP ingest secret instead');
}
