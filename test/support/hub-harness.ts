import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type INestApplication, type LoggerService } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { stringify } from 'yaml';
import { type Clock } from '../../src/core/clock/clock';
import { VirtualClock } from '../../src/core/clock/virtual-clock';
import { loadConfig } from '../../src/core/config/load-config';
import { DATABASE, type Database } from '../../src/core/persistence/database';
import { PinoLogger } from '../../src/core/observability/pino-logger';
import { createHub } from '../../src/hub';
import { type ReplywatchPlugin } from '../../src/plugins/sdk';
import { createTestDatabase, type TestDatabase } from './test-database';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestHub {
  app: INestApplication;
  url: string;
  db: Database;
  secret: string;
  rulesFile: string;
  /** Signs and posts a JSON body to /api/v1/messages; override headers to test faults. */
  post(body: unknown, options?: { headers?: Record<string, string>; webhookId?: string; timestamp?: Date; raw?: string }): Promise<Response>;
  admin(pathAndQuery: string, token?: string): Promise<Response>;
  /** POST to the admin API with an optional JSON body. */
  command(pathAndQuery: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

export interface TestHubOptions {
  hub?: Record<string, unknown>;
  /** false: no rules file at all, so the built-in runbook applies. */
  rules?: Record<string, unknown> | false;
  /** Start as `replywatch start --demo` does: the demo runbook instead of any rules file. */
  demo?: boolean;
  /** Plugins handed to the hub as objects (test connectors), besides the first-party ones. */
  plugins?: ReplywatchPlugin[];
  clock?: Clock;
  database?: TestDatabase;
  /** Receives the hub's log (default: silent, or pino with REPLYWATCH_TEST_LOGS). */
  logger?: LoggerService;
}

/**
 * An attempt's timeout and lease run on the hub's clock. On a virtual clock a test that jumps
 * it over a request in flight would time the attempt out: on a loaded machine the delivery
 * then went out twice, or its retry waited on a clock nothing moved. So there an attempt has
 * twenty minutes unless the test sets its own.
 */
const JUMP_SAFE_ATTEMPTS = { attemptTimeout: '20m', lease: '30m' };

/**
 * Retries come quickly. The poll is only the backstop for rows another process wrote: the hub
 * wakes its outbox itself for what it enqueues and for the next retry it knows of. Each idle
 * poll is a few queries, and on the embedded database they added up to a large share of the
 * suite's time at the 200 ms this used to be.
 */
const QUICK_OUTBOX = { pollInterval: '1s', baseDelay: '100ms' };

/** The test's outbox section (or the harness's quick one), safe from the virtual clock's jumps. */
function outboxSettings(options: TestHubOptions): Record<string, unknown> {
  const asked = (options.hub?.outbox as Record<string, unknown> | undefined) ?? QUICK_OUTBOX;
  return options.clock instanceof VirtualClock ? { ...JUMP_SAFE_ATTEMPTS, ...asked } : asked;
}

/** A real hub on a random loopback port, with its own database and config files. */
export async function startTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const dir = mkdtempSync(path.join(tmpdir(), 'replywatch-hub-'));
  const database = options.database ?? (await createTestDatabase());
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const hubFile = path.join(dir, 'hub.yaml');
  const rulesFile = path.join(dir, 'rules.yaml');
  const dbSection = database.settings.url ? { url: database.settings.url } : { dataDir: database.settings.dataDir, sharedBuffers: database.settings.sharedBuffers };
  writeFileSync(
    hubFile,
    stringify({
      server: { host: '127.0.0.1', port: 0 },
      database: dbSection,
      ...(options.rules === false ? {} : { rulesFile }),
      connectors: { http: { enabled: true, secret: '${TEST_INGEST_SECRET}' }, log: { enabled: true } },
      ...options.hub,
      outbox: outboxSettings(options),
    }),
  );
  if (options.rules !== false) writeFileSync(rulesFile, stringify({ version: 1, ...options.rules }));
  const logger = options.logger ?? (process.env.REPLYWATCH_TEST_LOGS ? new PinoLogger('debug') : false);
  let app: INestApplication | undefined;
  try {
    const config = inFolder(dir, () => loadConfig({ HUB_CONFIG: hubFile, TEST_INGEST_SECRET: secret, ADMIN_TOKEN }, options.demo ? { runbook: 'demo' } : {}));
    app = await createHub({ config, logger, ...(options.plugins ? { plugins: options.plugins } : {}), ...(options.clock ? { clock: options.clock } : {}) });
    // Connectors' routes are checked as the server starts: a refused one fails here.
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    // Tests of refused configurations land here: leave no hub, database or files behind.
    await app?.close().catch(() => undefined);
    if (!options.database) await database.drop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const port = (app.getHttpServer() as { address(): AddressInfo }).address().port;
  const url = `http://127.0.0.1:${port}`;
  const db = app.get<Database>(DATABASE);
  const signer = new Webhook(secret);

  return {
    app,
    url,
    db,
    secret,
    rulesFile,
    post(body, opts = {}) {
      const raw = opts.raw ?? JSON.stringify(body);
      const id = opts.webhookId ?? `msg_${randomUUID()}`;
      const at = opts.timestamp ?? new Date();
      return fetch(`${url}/api/v1/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signer.sign(id, at, raw),
          ...opts.headers,
        },
        body: raw,
      });
    },
    admin(pathAndQuery, token = ADMIN_TOKEN) {
      return fetch(`${url}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}` } });
    },
    command(pathAndQuery, body) {
      return fetch(`${url}${pathAndQuery}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
    },
    async close() {
      await app.close();
      if (!options.database) await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `load` with `dir` as the working directory, as an operator starting the hub there. The
 * harness passes the hub's own folder, where the default rules file (./config/rules.yaml)
 * never exists: a checkout's own config/rules.yaml cannot leak in.
 */
export function inFolder<T>(dir: string, load: () => T): T {
  const previous = process.cwd();
  process.chdir(dir);
  try {
    return load();
  } finally {
    process.chdir(previous);
  }
}

/** A minimal valid ingest body. */
export function ingestBody(overrides: { conversation?: string; id?: string; role?: string; author?: string; text?: string; sentAt?: string } = {}) {
  return {
    conversation: { id: overrides.conversation ?? 'chat-1', title: 'Acme support' },
    message: { id: overrides.id ?? randomUUID(), text: overrides.text ?? 'Hello, our invoices are not loading', sentAt: overrides.sentAt ?? new Date(Date.now() - 60_000).toISOString() },
    author: { id: overrides.author ?? 'client-7', ...(overrides.role ? { role: overrides.role } : {}) },
  };
}

/** The id of the conversation's newest inquiry (a test just opened it). */
export async function latestInquiryId(db: Database, conversation: string): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `SELECT i.id FROM inquiries i JOIN conversations c ON c.id = i.conversation_id WHERE c.external_id = $1 ORDER BY i.opened_at DESC, i.created_at DESC LIMIT 1`,
    [conversation],
  );
  if (!row) throw new Error(`no inquiry in conversation ${conversation}`);
  return row.id;
}
