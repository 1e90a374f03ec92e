import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';

export const BENCH_ADMIN_TOKEN = 'bench-console-admin-token-0123456789';
export const BENCH_VIEWER_TOKEN = 'bench-console-viewer-token-0123456789';

/**
 * `node dist/cli.js start` on the seeded data directory, console on: the page is served from
 * the build (dist) exactly as a user gets it, assets included. With `ingestSecret`, the
 * signed HTTP channel is on too (`POST /api/v1/messages`), for a bench that drives intake.
 */
export async function startHub(dir: string, dataDir: string, options: { ingestSecret?: string } = {}): Promise<{ url: string; stop(): Promise<void>; logTail(): Promise<string> }> {
  const port = await freePort();
  const hubFile = path.join(dir, 'hub.yaml');
  const rulesFile = path.join(dir, 'rules.yaml');
  const logFile = path.join(dir, 'hub.log');
  await writeFile(
    rulesFile,
    stringify({
      version: 1,
      calendars: { always: { alwaysOpen: true } },
      duty: { targets: [{ name: 'duty', connector: 'log', to: { chat: 'duty' } }] },
      policies: [
        {
          name: 'default',
          target: '60m',
          calendar: 'always',
          marks: [
            { before: '15m', level: 'warning', emoji: '⚡', message: '15 minutes left — {title}', actions: [{ notify: ['duty'] }] },
            { at: '100%', level: 'breach', emoji: '⚠️', message: 'SLA MISS — {title}', actions: [{ notify: ['duty'] }] },
          ],
        },
      ],
    }),
  );
  await writeFile(hubFile, stringify({ server: { host: '127.0.0.1', port }, database: { dataDir }, rulesFile, admin: { token: BENCH_ADMIN_TOKEN }, console: { viewers: [{ name: 'manager', token: BENCH_VIEWER_TOKEN }] }, connectors: { log: { enabled: true }, ...(options.ingestSecret ? { http: { enabled: true, secret: options.ingestSecret } } : {}) } }));
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [path.resolve('dist/cli.js'), 'start'], { env: { ...process.env, HUB_CONFIG: hubFile, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(20_000)]);
  };
  const logTail = async () => (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-20).join('\n');
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`the hub exited before it was ready:\n${await logTail()}`);
    if ((await fetch(`${url}/health/ready`).then((r) => r.status, () => 0)) === 200) return { url, stop, logTail };
    await sleep(100);
  }
  await stop();
  throw new Error(`the hub was not ready within 60 s:\n${await logTail()}`);
}

/** Signs in to the console as a browser would; the session cookie (`name=value`). */
export async function signIn(url: string, token: string): Promise<string> {
  const res = await fetch(`${url}/sign-in`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  if (res.status !== 303 || cookie === '') throw new Error(`sign-in answered ${res.status}`);
  return cookie;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
