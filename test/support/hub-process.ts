import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { until } from './mail-hub';

const ROOT = path.join(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist/cli.js');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The built hub as its own process (`replywatch start`), as operators run it; output goes to `log`. */
export async function spawnHub(configFile: string, port: number, log: string[]): Promise<ChildProcess> {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  const child = spawn(process.execPath, [CLI, 'start'], { cwd: path.dirname(configFile), env: { ...process.env, NODE_OPTIONS: '', HUB_CONFIG: configFile }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  await until('the hub is ready', async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.status === 200, 30_000);
  return child;
}

export async function stopHub(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** One customer message through the signed HTTP channel of a hub process. */
export async function postMessage(port: number, ingestSecret: string, conversation: string): Promise<number> {
  const body = JSON.stringify({ conversation: { id: conversation }, message: { id: randomUUID(), text: 'help', sentAt: new Date(Date.now() - 1000).toISOString() }, author: { id: 'c-1' } });
  return postSigned(port, ingestSecret, body);
}

/** A raw body to a hub process's /api/v1/messages, signed as a sender would; the hub's status code. */
export async function postSigned(port: number, ingestSecret: string, body: string): Promise<number> {
  const id = `msg_${randomUUID()}`;
  const at = new Date();
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(ingestSecret).sign(id, at, body) },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}
