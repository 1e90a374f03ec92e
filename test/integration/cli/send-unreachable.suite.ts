import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../support/hub-process';
import { runBuiltCli } from './run-built-cli';

describe('replywatch send with no hub listening', () => {
  let work: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'replywatch-send-'));
    // No hub.yaml in the working directory: the built-in defaults, as on a fresh clone.
    env = { HUB_CONFIG: undefined, RULES_FILE: undefined, DATABASE_URL: undefined, HOST: undefined, DATA_DIR: path.join(work, 'data'), HTTP_INGEST_SECRET: `whsec_${randomBytes(32).toString('base64')}` };
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('names the URL it tried and says to start the hub or where the address comes from', async () => {
    const port = await freePort();
    const run = await runBuiltCli(['send', '--conversation', 'c-1', '--text', 'hello'], { cwd: work, env: { ...env, PORT: String(port) } });
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain('fetch failed');
    expect(run.stderr).toContain(`no hub answered at http://127.0.0.1:${port}/api/v1/messages (connection refused`);
    expect(run.stderr).toContain('"replywatch start"');
    expect(run.stderr).toMatch(/--url URL, the PORT and HOST environment variables, or server\.port and server\.host in config\/hub\.yaml/);
  });

  it('before the first start (no ingest secret yet), still names the URL and says to start the hub', async () => {
    const port = await freePort();
    const run = await runBuiltCli(['send', '--conversation', 'c-1', '--text', 'hello'], { cwd: work, env: { ...env, PORT: String(port), HTTP_INGEST_SECRET: undefined, DATA_DIR: path.join(work, 'never-started') } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no hub answered at http://127.0.0.1:${port}/api/v1/messages (connection refused`);
    expect(run.stderr).toContain('"replywatch start"');
    expect(run.stderr).toContain('no HTTP ingest secret yet');
  });

  it('with --url, names that URL and says to check it', async () => {
    const port = await freePort();
    const run = await runBuiltCli(['send', '--conversation', 'c-1', '--text', 'hello', '--url', `http://127.0.0.1:${port}/`], { cwd: work, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no hub answered at http://127.0.0.1:${port}/api/v1/messages (connection refused`);
    expect(run.stderr).toContain('check --url');
  });

  it('refuses a --url that is not an http(s) URL, or carries a password, as a usage error that does not echo it', async () => {
    const run = await runBuiltCli(['send', '--conversation', 'c-1', '--text', 'hello', '--url', '127.0.0.1:3000'], { cwd: work, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--url: expected');
    const secret = await runBuiltCli(['send', '--conversation', 'c-1', '--text', 'hello', '--url', 'http://ops:s3cret@127.0.0.1:3000'], { cwd: work, env });
    expect(secret.code).toBe(2);
    expect(secret.stderr).toContain('--url: ');
    expect(secret.stderr).not.toContain('s3cret');
  });
});
