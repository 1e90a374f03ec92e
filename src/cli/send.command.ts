import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { type HttpConfig } from '../connectors/http/http.config';
import { resolveIngestSecret } from '../connectors/http/ingest-secret';
import { loadConfig } from '../core/config/load-config';
import { buildCatalog } from '../hub.module';
import { SEND } from './commands';
import { parseCommand } from './parse-command';
import { UsageError } from './usage-error';

/**
 * Signs one message with the hub's HTTP ingest secret and posts it: the quickest way to see
 * an inquiry open (customer) and get answered (staff) on a fresh install.
 */
export async function runSend(args: string[]): Promise<number> {
  const { values } = parseCommand(SEND, args);
  if (!values.conversation || values.text === undefined) throw new UsageError('send needs --conversation ID and --text TEXT');
  if (values.role !== undefined && !['customer', 'staff', 'bot'].includes(values.role)) throw new UsageError('--role: expected customer, staff or bot');

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
  const response = await fetch(`${base}/api/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': webhookId,
      'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
      'webhook-signature': signature,
    },
    body,
  });
  process.stdout.write(`${response.status} ${await response.text()}\n`);
  return response.ok ? 0 : 1;
}
