import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { runBuiltCli } from '../../integration/cli/run-built-cli';
import { scratchFolder } from '../../support/hub-tarball';
import { CLI, freePort, stopHub } from '../../support/hub-process';
import { until } from '../../support/mail-hub';

/**
 * The README's quick start as a new user meets it: `replywatch start` in an empty folder, no
 * configuration and no admin token, a message sent with `replywatch send`, then the hub's
 * address in a browser. The hub keeps a generated admin token in its data directory and says
 * where; signing in with it shows the inquiry just sent, with its clock.
 */
describe('the web console after the quick start', () => {
  let dir: string;
  let port: number;
  let hub: ChildProcess | undefined;
  const output: string[] = [];
  // Only what the quick start has: no token, hub.yaml, rules or database settings from the run.
  const env = () => ({ PORT: String(port), ADMIN_TOKEN: undefined, DATABASE_URL: undefined, DATA_DIR: undefined, HUB_CONFIG: undefined, RULES_FILE: undefined, HTTP_INGEST_SECRET: undefined, LOG_PRETTY: 'false' });

  beforeAll(async () => {
    dir = scratchFolder('replywatch-first-start-');
    port = await freePort();
    const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', ...env() };
    for (const [name, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[name];
    hub = spawn(process.execPath, [CLI, 'start'], { cwd: dir, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    hub.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    hub.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    // A first start creates the database: a busy 2-core machine can take half a minute.
    await until('the hub is ready', async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.status === 200, 120_000);
  }, 150_000);

  afterAll(async () => {
    await stopHub(hub);
    rmSync(dir, { recursive: true, force: true });
  });

  const tokenFile = () => path.join(dir, 'data', 'admin.token');

  it('keeps a generated admin token for its owner alone, and says where it is without printing it', () => {
    const token = readFileSync(tokenFile(), 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(statSync(tokenFile()).mode & 0o777).toBe(0o600);
    const log = output.join('');
    expect(log).toContain(`generated an admin token in ${tokenFile()} (set ADMIN_TOKEN to use your own)`);
    expect(log).toContain(`web console: http://127.0.0.1:${port}/ (sign in with the token in ${tokenFile()})`);
    expect(log).not.toContain(token);
  });

  it('shows the message sent with replywatch send in the queue after signing in with that token, with its clock', async () => {
    const sent = await runBuiltCli(['send', '--conversation', 'acme', '--text', 'Our invoices do not load'], { cwd: dir, env: env() });
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);

    const anonymous = await fetch(`http://127.0.0.1:${port}/`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/sign-in');

    const token = readFileSync(tokenFile(), 'utf8').trim();
    const signIn = await fetch(`http://127.0.0.1:${port}/sign-in`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString() });
    expect(signIn.status).toBe(303);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const queue = await fetch(`http://127.0.0.1:${port}/`, { headers: { cookie } });
    expect(queue.status).toBe(200);
    const page = await queue.text();
    const row = /<tr[^>]*data-inquiry="[^"]+"[\s\S]*?<\/tr>/.exec(page)?.[0] ?? '';
    expect(row).toContain('acme');
    // The countdown to the first mark (the built-in runbook's ⚡ at 45 minutes) and to the deadline.
    expect(row).toMatch(/<time[^>]*data-until="\d+"/);
  });

  it('lets the CLI on the same machine read through the running hub with the kept token', async () => {
    const listed = await runBuiltCli(['inquiries', '--status', 'open'], { cwd: dir, env: env() });
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/acme/);
  });

  it('never sends that token to a hub named with --url: it asks for that hub’s own', async () => {
    const elsewhere = await runBuiltCli(['inquiries', '--url', `http://127.0.0.1:${port}/`], { cwd: dir, env: env() });
    expect(elsewhere.code).not.toBe(0);
    expect(elsewhere.stderr).toContain('needs its admin token: set ADMIN_TOKEN to the token that hub runs with');
  });
});
