import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { ADMIN_TOKEN, ingestBody, startTestHub, type TestHub } from '../../support/hub-harness';
import { freePort } from '../../support/hub-process';
import { createTestDatabase, testBackend, type TestDatabase } from '../../support/test-database';
import { type CliRun, runBuiltCli } from './run-built-cli';

/** Opening the embedded database from a fresh process takes seconds on a busy machine. */
const CLI_TIMEOUT_MS = 90_000;

const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** The reads a manager runs while the SLA watcher works, and what each must print either way. */
const READS: ReadonlyArray<readonly string[]> = [
  ['report', '--from', day(-1), '--to', day(1)],
  ['report', '--from', day(-1), '--to', day(1), '--format', 'csv'],
  ['outbox', 'list'],
  ['inquiries'],
  ['inquiries', '--status', 'open', '--conversation', 'acme', '--json'],
];

describe(`replywatch CLI reads while the hub runs (${testBackend})`, () => {
  let database: TestDatabase;
  let hub: TestHub | undefined;
  let env: NodeJS.ProcessEnv;
  let cwd: string;
  const throughHub = new Map<string, CliRun>();

  const run = (args: readonly string[], extra: NodeJS.ProcessEnv = {}) => runBuiltCli(args, { cwd, env: { ...env, ...extra }, timeoutMs: CLI_TIMEOUT_MS });

  beforeAll(async () => {
    database = await createTestDatabase();
    hub = await startTestHub({ database });
    // The operator's configuration: the hub's database and address, the admin token from the environment.
    cwd = mkdtempSync(path.join(tmpdir(), 'replywatch-read-'));
    const dbSection = database.settings.url ? { url: database.settings.url } : { dataDir: database.settings.dataDir, sharedBuffers: database.settings.sharedBuffers };
    writeFileSync(path.join(cwd, 'hub.yaml'), stringify({ server: { host: '127.0.0.1', port: Number(new URL(hub.url).port) }, database: dbSection }));
    env = { HUB_CONFIG: path.join(cwd, 'hub.yaml'), RULES_FILE: undefined, DATABASE_URL: undefined, DATA_DIR: undefined, HOST: undefined, PORT: undefined, ADMIN_TOKEN };
    for (const body of [
      ingestBody({ conversation: 'acme', text: 'Invoices do not load', sentAt: ago(240) }),
      ingestBody({ conversation: 'acme', role: 'staff', author: 'alice', text: 'Looking into it', sentAt: ago(180) }),
      ingestBody({ conversation: 'acme', text: 'Still broken', sentAt: ago(120) }),
      ingestBody({ conversation: 'globex', text: 'Login fails', sentAt: ago(60) }),
    ]) {
      expect((await hub.post(body)).status).toBe(200);
    }
    // A dead letter the hub's worker leaves alone, so the outbox reads the same before and after.
    await hub.db.query(
      `INSERT INTO deliveries (idempotency_key, connector, kind, target, payload, status, attempts, failures, next_attempt_at, last_error, created_at, updated_at, dead_at)
       VALUES ('read-through-dead', 'duty', 'breach', '{}', '{}', 'dead', 3, 3, now(), 'AUTH_FAILED: 401 from peer', now(), now(), now())`,
    );
  });

  afterAll(async () => {
    await hub?.close();
    await database.drop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('reads through the admin API while the hub holds the database', async () => {
    for (const args of READS) {
      const result = await run(args);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
      throughHub.set(args.join(' '), result);
    }
    expect(throughHub.get('outbox list')?.stdout).toContain('last error: AUTH_FAILED: 401 from peer');
  });

  it('inquiries --status open --conversation acme lists only the open inquiry of acme', () => {
    const items = JSON.parse(throughHub.get('inquiries --status open --conversation acme --json')?.stdout ?? '[]') as Array<{ status: string; conversation: { id: string } }>;
    expect(items.map((i) => [i.conversation.id, i.status])).toEqual([['acme', 'open']]);
    const table = throughHub.get('inquiries')?.stdout ?? '';
    expect(table.split('\n')[0]).toMatch(/^ID +STATUS +CONVERSATION/);
    expect(table.match(/http\/acme/g)).toHaveLength(2);
    expect(table).toContain('answered');
    expect(table).toContain('http/globex');
  });

  it('names a wrong admin token instead of trying the database behind the hub', async () => {
    const result = await run(['inquiries'], { ADMIN_TOKEN: 'not-the-admin-token-at-all' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`the hub at ${hub?.url} refused the admin token`);
    expect(result.stderr).toContain('ADMIN_TOKEN');
    expect(result.stderr).not.toContain('in use by');
    expect(result.stdout).toBe('');
  });

  if (testBackend === 'pglite') {
    it('with the database held and no hub at the configured address, says where it looked and what to do', async () => {
      const result = await run(['outbox', 'list'], { PORT: String(await freePort()) });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('is in use by process');
      expect(result.stderr).toMatch(/no hub answered at http:\/\/127\.0\.0\.1:\d+ \(connection refused/);
      expect(result.stderr).toContain('--url URL, the PORT and HOST environment variables');
    });
  }

  it('prints the same from the database once the hub is stopped', async () => {
    expect(throughHub.size).toBe(READS.length);
    await hub?.close();
    hub = undefined;
    for (const args of READS) {
      const result = await run(args);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect({ args, stdout: result.stdout }).toEqual({ args, stdout: throughHub.get(args.join(' '))?.stdout });
    }
  });
});
