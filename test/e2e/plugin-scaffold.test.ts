import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { stringify } from 'yaml';
import { ingestBody, startTestHub } from '../support/hub-harness';
import { keepSeed, npm, plantSeed, REPO_ROOT, runHubTarball, scratchFolder } from '../support/hub-tarball';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { CONTRACT_VERSION } from '../../src/plugins/sdk/version';

const run = promisify(execFile);
const CLI = path.join(REPO_ROOT, 'dist/cli.js');
const SETUP_MS = 10 * 60_000;
const STEP_MS = 3 * 60_000;
const OUTBOUND = 'team-chat';
const INBOUND = 'json-feed';
const API_KEY = 'leaky-api-key-4f1d9c2b';
const ADMIN_TOKEN = 'scaffold-admin-token-0123456789';


/**
 * `replywatch plugin new` as a plugin author meets it: the real CLI writes the package, npm
 * installs it with the hub packed as users get it, the generated tests run the contract kit,
 * and the built plugin then runs inside a hub.
 */
describe('replywatch plugin new', () => {
  let work: string;
  let tarball: string;
  let outboundDir: string;
  let inboundDir: string;
  const printed: Record<'outbound' | 'inbound', string> = { outbound: '', inbound: '' };

  beforeAll(async () => {
    work = scratchFolder('replywatch-scaffold-');
    outboundDir = path.join(work, `replywatch-plugin-${OUTBOUND}`);
    inboundDir = path.join(work, 'feed');
    tarball = await runHubTarball();
    printed.outbound = (await node([CLI, 'plugin', 'new', OUTBOUND, '--outbound', '--sdk', `file:${tarball}`], work)).stdout;
    printed.inbound = (await node([CLI, 'plugin', 'new', INBOUND, '--inbound', '--dir', inboundDir, '--sdk', `file:${tarball}`], work)).stdout;
    // The outbound package from a copy of the run's first plugin install (see plantSeed), the
    // inbound one from a copy of the outbound one's.
    plantSeed(outboundDir);
    await npmOrExplain(outboundDir, ['install']);
    await keepSeed(outboundDir);
    cpSync(path.join(outboundDir, 'node_modules'), path.join(inboundDir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    await npmOrExplain(inboundDir, ['install']);
  }, SETUP_MS);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('writes a package per direction, wired to the SDK it was given, and says what to do next', () => {
    expect(sourceFiles(outboundDir)).toEqual(
      ['.gitignore', 'README.md', 'package.json', `src/${OUTBOUND}-error.mapper.ts`, `src/${OUTBOUND}.config.ts`, `src/${OUTBOUND}.connector.ts`, 'src/index.ts', `test/${OUTBOUND}.test.ts`, 'tsconfig.json'].sort(),
    );
    expect(sourceFiles(inboundDir)).toEqual(
      ['.gitignore', 'README.md', 'package.json', `src/${INBOUND}.config.ts`, `src/${INBOUND}.connector.ts`, `src/${INBOUND}.feed.ts`, 'src/index.ts', 'test/fake-feed.ts', `test/${INBOUND}.test.ts`, 'tsconfig.json'].sort(),
    );
    const outbound = JSON.parse(readFileSync(path.join(outboundDir, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(outbound).toMatchObject({
      name: `replywatch-plugin-${OUTBOUND}`,
      version: '0.1.0',
      main: 'dist/src/index.js',
      peerDependencies: { replywatch: '>=0.1.0 <1' },
      dependencies: { zod: '4.6.7', axios: '1.21.1' },
      devDependencies: { replywatch: `file:${tarball}`, typescript: '5.9.3', '@types/node': '20.19.43' },
    });
    const inbound = JSON.parse(readFileSync(path.join(inboundDir, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(inbound.dependencies).toEqual({ zod: '4.6.7' });
    expect(readFileSync(path.join(outboundDir, 'src/index.ts'), 'utf8')).toContain(`contractVersion: '${CONTRACT_VERSION}'`);

    expect(printed.outbound).toContain(`cd replywatch-plugin-${OUTBOUND}\n  npm install\n  npm test`);
    expect(printed.outbound).toContain(`- module: ${path.join(outboundDir, 'dist/src/index.js')}`);
    expect(printed.outbound).toContain(`    ${OUTBOUND}:\n      enabled: true`);
    expect(printed.inbound).toContain(`- module: ${path.join(inboundDir, 'dist/src/index.js')}`);
  });

  it('outbound: npm test builds the package and passes every check of the kit', async () => {
    const { stdout } = await npmOrExplain(outboundDir, ['test']);
    expect(stdout).toContain(`connector ${OUTBOUND}: 13 passed, 0 failed, 0 skipped`);
    expect(stdout).toMatch(/^# fail 0$/m);
  }, STEP_MS);

  it('inbound: npm test builds the package and passes every check of the kit', async () => {
    const { stdout } = await npmOrExplain(inboundDir, ['test']);
    expect(stdout).toContain(`connector ${INBOUND}: 7 passed, 0 failed, 0 skipped`);
    expect(stdout).toMatch(/^# fail 0$/m);
  }, STEP_MS);

  it('the built outbound plugin posts a hub notification to its webhook', async () => {
    const entry = await built(outboundDir);
    const receiver = new Receiver();
    const url = await receiver.start();
    try {
      const token = `tok-${randomUUID()}`;
      const hub = await startTestHub({
        hub: {
          plugins: [{ module: entry }],
          connectors: { http: { enabled: true, secret: '${TEST_INGEST_SECRET}' }, [OUTBOUND]: { enabled: true, url: `${url}/hooks/replywatch`, token } },
        },
        rules: { duty: { targets: [{ name: 'duty', connector: OUTBOUND }] }, notify: { inquiryOpened: ['duty'] } },
      });
      try {
        expect((await hub.post(ingestBody({ conversation: 'acme-1' }))).status).toBe(200);
        type Row = { status: string; last_error: string | null; idempotency_key: string; external_id: string | null; payload: { text: string }; inquiry_id: string };
        const row = await waitFor(async () => {
          const [found] = await hub.db.query<Row>('SELECT status, last_error, idempotency_key, external_id, payload, inquiry_id FROM deliveries');
          return found?.status === 'delivered' ? found : undefined;
        }, 'the delivery to be delivered');

        expect(row).toMatchObject({ status: 'delivered', last_error: null, external_id: 'chat-msg-1' });
        // verify() may GET the webhook too; the notification is the one POST.
        const posts = receiver.requests.filter((request) => request.method === 'POST');
        expect(posts).toHaveLength(1);
        const [post] = posts;
        expect(post?.url).toBe('/hooks/replywatch');
        expect(post?.headers['idempotency-key']).toBe(row.idempotency_key);
        expect(post?.headers.authorization).toBe(`Bearer ${token}`);
        expect(JSON.parse(post?.body ?? '')).toEqual({
          event: 'inquiry.opened',
          text: row.payload.text,
          inquiryId: row.inquiry_id,
          conversation: { channel: 'http', id: 'acme-1', title: 'Acme support' },
        });
      } finally {
        await hub.close();
      }
    } finally {
      await receiver.stop();
    }
  }, STEP_MS);

  describe("secrets survive a plugin's own copy of the SDK", () => {
    let leakyModule: string;

    beforeAll(() => {
      leakyModule = path.join(outboundDir, 'leaky.js');
      writeFileSync(leakyModule, LEAKY_PLUGIN);
    });

    it('the generated package resolved its own replywatch and zod, not the hub’s', async () => {
      // Asked of Node itself: in Jest, moduleNameMapper sends every `replywatch/sdk` to this repository's source.
      const script = 'console.log(JSON.stringify(["replywatch/sdk", "zod"].map((name) => require.resolve(name))))';
      const [sdk, zod] = JSON.parse((await node(['-e', script], outboundDir)).stdout) as string[];
      const own = `${path.join(outboundDir, 'node_modules')}${path.sep}`;
      expect(sdk).toBe(path.join(outboundDir, 'node_modules/replywatch/dist/plugins/sdk/index.js'));
      expect(zod?.startsWith(own)).toBe(true);
    });

    it('a hub redacts the secret its plugin quotes in errors and health, in history, API and logs', async () => {
      // A real hub process: only outside Jest does the plugin load its own SDK copy beside the hub's.
      const hub = await ChildHub.start(work, leakyModule, API_KEY);
      try {
        const signer = new Webhook(hub.ingestSecret);
        const body = JSON.stringify(ingestBody({ conversation: 'acme-2' }));
        const id = `msg_${randomUUID()}`;
        const at = new Date();
        const posted = await fetch(`${hub.url}/api/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signer.sign(id, at, body) },
          body,
        });
        expect(posted.status).toBe(200);

        const deliveries = await waitFor(async () => {
          const listed = (await (await fetch(`${hub.url}/api/v1/deliveries`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { items: Array<{ history: unknown[] }> };
          return listed.items[0] && listed.items[0].history.length >= 2 ? listed : undefined;
        }, 'two failed attempts of the delivery');
        expect(deliveries.items[0]?.history[0]).toMatchObject({ outcome: 'failed', code: 'TEMPORARY', error: 'TEMPORARY: failed calling https://x.test/?key=[redacted]' });
        expect(JSON.stringify(deliveries)).not.toContain(API_KEY);

        const ready = await (await fetch(`${hub.url}/health/ready`)).text();
        expect(ready).toContain('key=[redacted]');
        expect(ready).not.toContain(API_KEY);
      } finally {
        await hub.stop();
      }
      expect(hub.output).toContain('[redacted]');
      expect(hub.output).not.toContain(API_KEY);
    }, STEP_MS);

    it('a hub refuses a bad value for that secret with a located hub.yaml error that does not echo it', async () => {
      const badValue = 'sh0rt-k';
      const hubFile = writeHubFiles(mkdtempSync(path.join(work, 'bad-hub-')), { leakyModule, apiKey: badValue, port: 0, database: { dataDir: path.join(work, 'unused-data') } }).hubFile;
      const line = readFileSync(hubFile, 'utf8').split('\n').findIndex((text) => text.includes('apiKey:')) + 1;
      const failed = (await node([CLI, 'start'], work, hubEnvironment(hubFile)).then(
        () => undefined,
        (error: unknown) => error,
      )) as { code?: number; stdout?: string; stderr?: string } | undefined;
      expect(failed?.code).toBe(2);
      expect(failed?.stderr).toMatch(new RegExp(`hub\\.yaml:${line}:\\d+ connectors\\.leaky\\.apiKey: .*8`));
      expect(`${failed?.stdout ?? ''}${failed?.stderr ?? ''}`).not.toContain(badValue);
    }, STEP_MS);
  });
});

/** Requires replywatch/sdk and zod from the folder it is written to, as a plugin's own files do. */
const LEAKY_PLUGIN = `// A careless plugin: it quotes its API key in its errors and its health detail.
const { z } = require('zod');
const { ConnectorError, defineConnector, definePlugin, secret } = require('replywatch/sdk');

const leaky = defineConnector({
  manifest: { id: 'leaky', direction: 'outbound', configSchema: z.object({ apiKey: secret(z.string().min(8)) }).strict() },
  create: ({ config }) => ({
    verify: () => Promise.resolve({ status: 'degraded', detail: 'checked https://x.test/?key=' + config.apiKey }),
    deliver: () => Promise.reject(new ConnectorError('TEMPORARY', 'failed calling https://x.test/?key=' + config.apiKey)),
  }),
});

module.exports = { replywatchPlugin: definePlugin({ name: 'leaky', contractVersion: '2.0', connectors: [leaky] }) };
`;

function node(args: string[], cwd: string, env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' }): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, args, { cwd, env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
}

/** npm in `cwd`; a failure carries npm's output, which is where the reason is. */
async function npmOrExplain(cwd: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  try {
    return await npm(cwd, args);
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${stdout.slice(-6000)}\n${stderr.slice(-4000)}`);
  }
}

/** The plugin's entry module, building the package first when no earlier test did (`jest -t`). */
async function built(dir: string): Promise<string> {
  const entry = path.join(dir, 'dist/src/index.js');
  if (!existsSync(entry)) await npmOrExplain(dir, ['run', 'build']);
  return entry;
}

/** The package's own files: what the scaffolder wrote, without what install and build add. */
function sourceFiles(dir: string): string[] {
  const generated = new Set(['node_modules', 'dist', 'package-lock.json', 'leaky.js']);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((entry) => !generated.has(entry.split(path.sep)[0] ?? '') && statSync(path.join(dir, entry)).isFile())
    .map((entry) => entry.split(path.sep).join('/'))
    .sort();
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A chat webhook: records every request, answers a POST with a message id and anything else with 405. */
class Receiver {
  readonly requests: Array<{ method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string }> = [];
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
      const posted = this.requests.filter((request) => request.method === 'POST').length;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, id: `chat-msg-${posted}` }));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

interface HubFiles {
  hubFile: string;
  ingestSecret: string;
}

function writeHubFiles(dir: string, options: { leakyModule: string; apiKey: string; port: number; database: { url?: string; dataDir?: string; sharedBuffers?: string } }): HubFiles {
  const ingestSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const hubFile = path.join(dir, 'hub.yaml');
  const rulesFile = path.join(dir, 'rules.yaml');
  writeFileSync(rulesFile, stringify({ version: 1, duty: { targets: [{ name: 'duty', connector: 'leaky' }] }, notify: { inquiryOpened: ['duty'] } }));
  writeFileSync(
    hubFile,
    stringify({
      server: { host: '127.0.0.1', port: options.port },
      database: options.database,
      admin: { token: ADMIN_TOKEN },
      rulesFile,
      outbox: { pollInterval: '100ms', baseDelay: '100ms', maxDelay: '200ms' },
      plugins: [{ module: options.leakyModule }],
      connectors: { http: { enabled: true, secret: ingestSecret }, log: { enabled: false }, leaky: { enabled: true, apiKey: options.apiKey } },
    }),
  );
  return { hubFile, ingestSecret };
}

/** This process's environment without the variables that would override the test's hub.yaml. */
function hubEnvironment(hubFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', HUB_CONFIG: hubFile };
  for (const name of ['DATABASE_URL', 'DATA_DIR', 'HOST', 'PORT', 'RULES_FILE', 'ADMIN_TOKEN', 'LOG_LEVEL', 'LOG_PRETTY', 'HTTP_INGEST_SECRET']) delete env[name];
  return env;
}

/** `replywatch start` in a process of its own, from this repository's build. */
class ChildHub {
  private constructor(
    readonly url: string,
    readonly ingestSecret: string,
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
    private readonly log: { text: string },
    private readonly cleanup: () => Promise<void>,
  ) {}

  get output(): string {
    return this.log.text;
  }

  static async start(parent: string, leakyModule: string, apiKey: string): Promise<ChildHub> {
    const dir = mkdtempSync(path.join(parent, 'hub-'));
    const database: TestDatabase = await createTestDatabase();
    const cleanup = async (): Promise<void> => {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    };
    const port = await freePort();
    const { hubFile, ingestSecret } = writeHubFiles(dir, { leakyModule, apiKey, port, database: database.settings.url ? { url: database.settings.url } : { dataDir: database.settings.dataDir, sharedBuffers: database.settings.sharedBuffers } });
    const child = spawn(process.execPath, [CLI, 'start'], { cwd: dir, env: hubEnvironment(hubFile), stdio: ['ignore', 'pipe', 'pipe'] });
    const log = { text: '' };
    child.stdout?.on('data', (chunk: Buffer) => (log.text += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (log.text += chunk.toString('utf8')));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const hub = new ChildHub(`http://127.0.0.1:${port}`, ingestSecret, child, exited, log, cleanup);
    try {
      await waitFor(async () => {
        if (child.exitCode !== null) throw new Error(`the hub exited with ${child.exitCode}:\n${log.text}`);
        return (await fetch(`${hub.url}/health`).catch(() => undefined))?.ok ? true : undefined;
      }, 'the hub to answer /health', 60_000);
    } catch (error) {
      await hub.stop();
      throw error;
    }
    return hub;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
      await this.exited;
      clearTimeout(timer);
    }
    await this.cleanup();
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
