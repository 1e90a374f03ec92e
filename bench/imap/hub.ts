import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { type HubProcess } from '../http/hub-process';

const READY_LIMIT_MS = 60_000;
const STOP_LIMIT_MS = 30_000;
/** How often readiness is asked for: the resolution of the "ready" instant. */
const READY_POLL_MS = 20;

export interface MailHubProcess extends HubProcess {
  /** Wall clock (ms) just before the process was spawned. */
  spawnedAt: number;
  /** Wall clock (ms) of the first 200 from /health/ready. */
  readyAt: number;
  /** The mail connector's health detail, e.g. `bench/INBOX: idling, synced 0 s ago; …`. */
  mailDetail(): Promise<string | undefined>;
}

export interface MailHubSettings {
  /** Holds hub.yaml, rules.yaml and hub.log (appended to across restarts). */
  dir: string;
  /** The hub.yaml `database` section; the same one on every start, so a restart resumes. */
  database: Record<string, unknown>;
  /** The `connectors.mail` section. */
  mail: Record<string, unknown>;
}

/**
 * The hub as an operator runs it — `node dist/cli.js start` with a hub.yaml whose only
 * connector is mail — in a process of its own, like bench/http's (whose launcher writes an
 * http-only hub.yaml). Resolves at the first 200 from /health/ready; waiting for the mailbox
 * is up to the caller (waitForMailbox), since a restart is measured from spawn and from ready.
 * BENCH_HUB_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") goes to node, one profile
 * per start.
 */
export async function startMailHub(settings: MailHubSettings): Promise<MailHubProcess> {
  const port = await freePort();
  const hubFile = path.join(settings.dir, 'hub.yaml');
  const rulesFile = path.join(settings.dir, 'rules.yaml');
  const logFile = path.join(settings.dir, 'hub.log');
  await writeFile(rulesFile, stringify(benchRules()));
  await writeFile(hubFile, stringify({ server: { host: '127.0.0.1', port }, database: settings.database, rulesFile, connectors: { mail: settings.mail } }));
  const log = createWriteStream(logFile, { flags: 'a' });
  const nodeArgs = (process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, [...nodeArgs, path.resolve('dist/cli.js'), 'start'], {
    env: { ...process.env, HUB_CONFIG: hubFile, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
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
  const deadline = performance.now() + READY_LIMIT_MS;
  for (;;) {
    if (ended !== undefined) throw new Error(`the hub (pid ${child.pid}) ended before it was ready: ${ended}\n${await logTail(30)}`);
    const status = await fetch(`${baseUrl}/health/ready`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) break;
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`the hub did not answer 200 on /health/ready within ${READY_LIMIT_MS} ms\n${await logTail(30)}`);
    }
    await sleep(READY_POLL_MS);
  }
  const readyAt = Date.now();
  const mailDetail = async () => {
    const body = (await (await fetch(`${baseUrl}/health/ready`)).json()) as { connectors?: Record<string, { detail?: string }> };
    return body.connectors?.mail?.detail;
  };
  return { baseUrl, pid: child.pid ?? -1, spawnedAt, readyAt, stop, logTail, mailDetail };
}

/** Polls the mail connector's health until its detail contains `text`; the wall clock when it did. */
export async function waitForMailbox(hub: MailHubProcess, text: string, limitMs: number): Promise<number> {
  const deadline = performance.now() + limitMs;
  let last: string | undefined;
  for (;;) {
    last = await hub.mailDetail().catch(() => last);
    if (last?.includes(text)) return Date.now();
    if (performance.now() > deadline) throw new Error(`the mail connector did not report "${text}" within ${limitMs} ms (last: ${last ?? 'nothing'})\n${await hub.logTail(30)}`);
    await sleep(100);
  }
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

/** A 60-minute policy on an always-open calendar; no mark falls due in a run. */
function benchRules(): Record<string, unknown> {
  return {
    version: 1,
    calendars: { always: { alwaysOpen: true } },
    policies: [{ name: 'default', target: '60m', calendar: 'always', marks: [{ before: '15m', level: 'warning', emoji: '⚡', message: '15 minutes left — {title}' }] }],
  };
}
