import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { type HttpConfig } from '../connectors/http/http.config';
import { resolveIngestSecret, withSecretFileResolved } from '../connectors/http/ingest-secret';
import { loadConfig } from '../core/config/load-config';
import { besideHub } from '../core/config/relative-paths';
import { buildCatalog } from '../plugins/host/build-catalog';
import { SEND } from './commands';
import { checkHubUrl, hubAddress, type HubAddress } from './hub-address';
import { hubUnreachable } from './hub-unreachable';
import { parseCommand } from './parse-command';
import { UsageError } from './usage-error';

const SEND_TIMEOUT_MS = 10_000;
const PROBE_TIMEOUT_MS = 3000;

/**
 * Signs one message with the hub's HTTP ingest secret and posts it: the quickest way to see
 * an inquiry open (customer) and get answered (staff) on a fresh install.
 */
export async function runSend(args: string[]): Promise<number> {
  const { values } = parseCommand(SEND, args);
  if (!values.conversation || values.text === undefined) throw new UsageError('send needs --conversation ID and --text TEXT');
  if (values.role !== undefined && !['customer', 'staff', 'bot'].includes(values.role)) throw new UsageError('--role: expected customer, staff or bot');
  if (values.url !== undefined) checkHubUrl(values.url, 'send signs each message with the HTTP ingest secret instead');

  const config = loadConfig();
  const address = hubAddress(config, values.url);
  const url = `${address.base}/api/v1/messages`;
  // The http channel's settings as the hub would read them (hub.yaml, HTTP_INGEST_SECRET).
  const http = buildCatalog(config).enabled.get('http');
  if (!http) throw new Error('the http channel is not enabled in this configuration');
  const httpConfig = withSecretFileResolved(http.config as HttpConfig, (file) => besideHub(config.hubFile, file).path);
  const secret = resolveIngestSecret(httpConfig, config.hub.database.dataDir, { create: false });
  if (!secret) throw await noSecret(url, address);

  const body = JSON.stringify({
    conversation: { id: values.conversation },
    message: { id: randomUUID(), text: values.text, sentAt: new Date().toISOString() },
    author: { id: values.author, ...(values.role ? { role: values.role } : {}) },
  });
  const webhookId = `msg_${randomUUID()}`;
  // One instant for the signature and its header, or a send at a second's edge is refused.
  const signedAt = new Date();
  const signature = new Webhook(secret.secret).sign(webhookId, signedAt, body);
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
    throw hubUnreachable(url, error, address.source);
  });
  process.stdout.write(`${response.status} ${await response.text()}\n`);
  return response.ok ? 0 : 1;
}

/**
 * No ingest secret to sign with: the hub writes one on its first start. When no hub answers
 * either, that is the thing to fix first, so the error names the address tried.
 */
async function noSecret(url: string, address: HubAddress): Promise<Error> {
  const missing = 'no HTTP ingest secret yet: the hub creates one in DATA_DIR on its first start; or set HTTP_INGEST_SECRET';
  const failure = await fetch(`${address.base}/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (failure === undefined) return new Error(missing);
  return new Error(`${hubUnreachable(url, failure, address.source).message}\n(And ${missing}.)`, { cause: failure });
}
