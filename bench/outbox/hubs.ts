import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { type HubProcess } from '../http/hub-process';
import { hubYaml, rulesYaml, WEBHOOK_SECRET_ENV } from './hub-config';
import { processCpuMs } from './resources';

const READY_LIMIT_MS = 60_000;
const STOP_LIMIT_MS = 30_000;

export interface OutboxHub extends HubProcess {
  name: string;
  /** User + system CPU of the process so far, in ms (from /proc), for the CPU share of a phase. */
  cpuMs(): Promise<number>;
}

export interface HubSettings {
  /** Holds each replica's hub.yaml and log, and the shared rules.yaml. */
  dir: string;
  databaseUrl: string;
  peerUrl: string;
  endpoints: number;
  outbox: Record<string, unknown>;
  ingestSecret: string;
  webhookSecret: string;
}

/**
 * `replicas` hubs as an operator runs them — `node dist/cli.js start` — on one database, each
 * in its own process with its own port. bench/http's launcher writes an http-only hub.yaml,
 * hence this one. Started one after the other: both run migrations at start, and the first
 * one's finishing first keeps the second's start short. BENCH_HUB_NODE_ARGS goes to node.
 */
export async function startHubs(settings: HubSettings, replicas: number): Promise<OutboxHub[]> {
  const rulesFile = path.join(settings.dir, 'rules.yaml');
  await writeFile(rulesFile, stringify(rulesYaml(settings.endpoints)));
  const hubs: OutboxHub[] = [];
  try {
    for (let i = 0; i < replicas; i++) hubs.push(await startHub(settings, rulesFile, `hub-${i + 1}`));
  } catch (error) {
    await Promise.all(hubs.map((hub) => hub.stop()));
    throw error;
  }
  return hubs;
}

async function startHub(settings: HubSettings, rulesFile: string, name: string): Promise<OutboxHub> {
  const port = await freePort();
  const hubFile = path.join(settings.dir, `${name}.yaml`);
  const logFile = path.join(settings.dir, `${name}.log`);
  await writeFile(hubFile, stringify(hubYaml({ port, databaseUrl: settings.databaseUrl, rulesFile, peerUrl: settings.peerUrl, endpoints: settings.endpoints, outbox: settings.outbox })));
  const log = createWriteStream(logFile, { flags: 'a' });
  const nodeArgs = (process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.resolve('dist/cli.js'), 'start'], {
    env: { ...process.env, HUB_CONFIG: hubFile, HTTP_INGEST_SECRET: settings.ingestSecret, [WEBHOOK_SECRET_ENV]: settings.webhookSecret, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      log.end();
      resolve(signal ? `signal ${signal}` : `exit code ${code}`);
    }),
  );
  let ended: string | undefined;
  void exited.then((how) => (ended = how));
  const baseUrl = `http://127.0.0.1:${port}`;
  const logTail = async (lines: number) => (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-lines).join('\n');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const how = await Promise.race([exited, sleep(STOP_LIMIT_MS, null)]);
    if (how !== null) return how;
    child.kill('SIGKILL');
    return `killed after ${STOP_LIMIT_MS} ms: ${await exited}`;
  };
  const pid = child.pid ?? -1;
  const deadline = performance.now() + READY_LIMIT_MS;
  for (;;) {
    if (ended !== undefined) throw new Error(`${name} (pid ${pid}) ended before it was ready: ${ended}\n${await logTail(30)}`);
    const status = await fetch(`${baseUrl}/health/ready`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) break;
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`${name} did not answer 200 on /health/ready within ${READY_LIMIT_MS} ms\n${await logTail(30)}`);
    }
    await sleep(100);
  }
  return { name, baseUrl, pid, stop, logTail, cpuMs: () => processCpuMs(pid) };
}

/** The hub re-raises SIGTERM once it has closed, so ending by that signal is the clean way. */
export function cleanExit(how: string): boolean {
  return how === 'exit code 0' || how === 'signal SIGTERM';
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
