import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';

const READY_LIMIT_MS = 60_000;
const STOP_LIMIT_MS = 30_000;

export interface HubProcess {
  baseUrl: string;
  pid: number;
  /** SIGTERM, then waits for the exit (SIGKILL after 30 s); resolves with how it ended. */
  stop(): Promise<string>;
  /** The last lines the hub wrote, for a failure report. */
  logTail(lines: number): Promise<string>;
}

/**
 * The hub as an operator runs it: `node dist/cli.js start` with a hub.yaml, in a process of its
 * own, so the load generator and the hub do not share an event loop. Ready when
 * GET /health/ready answers 200.
 */
export async function startHubProcess(dir: string, database: Record<string, unknown>, secret: string): Promise<HubProcess> {
  const port = await freePort();
  const hubFile = path.join(dir, 'hub.yaml');
  const rulesFile = path.join(dir, 'rules.yaml');
  const logFile = path.join(dir, 'hub.log');
  await writeFile(rulesFile, stringify(benchRules()));
  await writeFile(hubFile, stringify({ server: { host: '127.0.0.1', port }, database, rulesFile, connectors: { http: { enabled: true } } }));
  const log = createWriteStream(logFile);
  // BENCH_HUB_NODE_ARGS: e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the hub under load.
  const nodeArgs = (process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.resolve('dist/cli.js'), 'start'], {
    env: { ...process.env, HUB_CONFIG: hubFile, HTTP_INGEST_SECRET: secret, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const logTail = async (lines: number) => (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-lines).join('\n');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const ended = await Promise.race([exited, sleep(STOP_LIMIT_MS, null)]);
    if (ended !== null) return ended;
    child.kill('SIGKILL');
    return `killed after ${STOP_LIMIT_MS} ms: ${await exited}`;
  };
  try {
    await waitReady(baseUrl, child, exited);
  } catch (error) {
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${await logTail(30)}`);
  }
  return { baseUrl, pid: child.pid ?? -1, stop, logTail };
}

async function waitReady(baseUrl: string, child: ChildProcess, exited: Promise<string>): Promise<void> {
  const deadline = performance.now() + READY_LIMIT_MS;
  let early: string | undefined;
  void exited.then((how) => (early = how));
  while (performance.now() < deadline) {
    if (early !== undefined) throw new Error(`the hub (pid ${child.pid}) ended before it was ready: ${early}`);
    const status = await fetch(`${baseUrl}/health/ready`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await sleep(100);
  }
  throw new Error(`the hub did not answer 200 on /health/ready within ${READY_LIMIT_MS} ms`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A 60-minute policy on an always-open calendar, one staff member; no mark falls due in a run. */
function benchRules(): Record<string, unknown> {
  return {
    version: 1,
    calendars: { always: { alwaysOpen: true } },
    staff: [{ name: 'Agents', role: 'support', identities: Array.from({ length: 20 }, (_, i) => ({ channel: 'http', id: `agent-${i}` })) }],
    policies: [{ name: 'default', target: '60m', calendar: 'always', marks: [{ before: '15m', level: 'warning', emoji: '⚡', message: '15 minutes left — {title}' }] }],
  };
}
