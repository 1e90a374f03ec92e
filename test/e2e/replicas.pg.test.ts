import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { stringify } from 'yaml';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const ROOT = path.join(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const TICKER = path.join(ROOT, 'test/fixtures/plugins/ticker-plugin.js');
const LEASE_MS = 3000;
const JOB_EVERY_MS = 2000;

interface Replica {
  child: ChildProcess;
  log: string[];
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Real replicas: two `replywatch start` processes on one PostgreSQL database, running a plugin's
 * singleton work and scheduled job. One holds the lease; after a SIGKILL (no goodbye, the
 * lease is left behind) the other takes over once the lease has expired.
 */
describe('singleton work and jobs across replica processes (postgres)', () => {
  let database: TestDatabase;
  let dir: string;
  let client: Client;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm run test:server does)');
    database = await createTestDatabase('postgres');
    dir = mkdtempSync(path.join(tmpdir(), 'replywatch-replicas-'));
    writeFileSync(path.join(dir, 'rules.yaml'), 'version: 1\n');
    writeFileSync(
      path.join(dir, 'hub.yaml'),
      stringify({
        server: { host: '127.0.0.1', port: 0 },
        database: { url: database.settings.url },
        rulesFile: path.join(dir, 'rules.yaml'),
        log: { level: 'info' },
        plugins: [{ module: TICKER }],
        connectors: { ticker: { enabled: true, leaseMs: LEASE_MS, jobEveryMs: JOB_EVERY_MS } },
      }),
    );
    client = new Client({ connectionString: database.settings.url });
    await client.connect();
  });

  afterAll(async () => {
    for (const { child } of replicas) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await client?.end();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  function startReplica(): Replica {
    const child = spawn(process.execPath, [CLI, 'start'], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '', HUB_CONFIG: path.join(dir, 'hub.yaml') }, stdio: ['ignore', 'pipe', 'pipe'] });
    const replica = { child, log: [] as string[] };
    child.stdout?.on('data', (chunk: Buffer) => replica.log.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => replica.log.push(chunk.toString()));
    replicas.push(replica);
    return replica;
  }

  const ticksSince = async (since: Date) =>
    (await client.query<{ pid: number; at: Date }>(`SELECT pid, at FROM connector_ticker.ticks WHERE at >= $1 ORDER BY at`, [since])).rows;

  it('runs the singleton on one replica, hands it over within the lease after a SIGKILL, and runs each job once', async () => {
    const first = startReplica();
    const second = startReplica();
    const pids = new Set([first.child.pid, second.child.pid]);
    // Both replicas are up (each logs "hub ready") and ticking has begun.
    await until('both replicas ready', () => (replicas.every((r) => r.log.join('').includes('hub ready')) ? true : undefined));
    await until('first ticks', async () => ((await ticksSince(new Date(0))).length > 5 ? true : undefined));

    const window = new Date();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const holders = new Set((await ticksSince(window)).map((t) => t.pid));
    expect(holders.size).toBe(1);
    const holderPid = [...holders][0] as number;
    expect(pids.has(holderPid)).toBe(true);

    const holder = replicas.find((r) => r.child.pid === holderPid) as Replica;
    const survivor = replicas.find((r) => r.child.pid !== holderPid) as Replica;
    holder.child.kill('SIGKILL');
    const killedAt = Date.now();
    const taken = await until('takeover', async () => (await ticksSince(new Date(killedAt))).find((t) => t.pid === survivor.child.pid));
    const takeoverMs = new Date(taken.at).getTime() - killedAt;
    // The lease outlives its holder by at most LEASE_MS; the standby looks every LEASE_MS / 3.
    expect(takeoverMs).toBeLessThanOrEqual(LEASE_MS + LEASE_MS / 3 + 1500);
    expect((await ticksSince(new Date(killedAt))).every((t) => t.pid === survivor.child.pid)).toBe(true);

    // Every due time of the job ran on one replica only: runs are a full interval apart.
    const runs = (await client.query<{ pid: number; at: Date }>(`SELECT pid, at FROM connector_ticker.job_runs ORDER BY at`)).rows;
    expect(runs.length).toBeGreaterThanOrEqual(3);
    const gaps = runs.slice(1).map((run, i) => new Date(run.at).getTime() - new Date(runs[i]!.at).getTime());
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(JOB_EVERY_MS - 50);

    survivor.child.kill('SIGTERM');
    // Nest re-raises the signal once its shutdown hooks have run.
    await until('survivor stopped', () => (survivor.child.exitCode !== null || survivor.child.signalCode !== null ? true : undefined), 15_000);
    expect(survivor.log.join('')).toContain('"msg":"stopped"');
    // A graceful stop hands the lease back at once.
    expect((await client.query(`SELECT name FROM connector_leases`)).rows).toEqual([]);
  }, 120_000);
});
