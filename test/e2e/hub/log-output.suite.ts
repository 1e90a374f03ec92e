import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { stringify } from 'yaml';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { PinoLogger } from '../../../src/core/observability/pino-logger';
import { ingestBody, startTestHub } from '../../support/hub-harness';
import { CLI, freePort, stopHub } from '../../support/hub-process';
import { until } from '../../support/mail-hub';
import { seedPolicy } from '../../support/sla-harness';
import { createTestDatabase, testBackend, type TestDatabase } from '../../support/test-database';

interface LogRecord {
  level: number;
  msg: string;
  context?: string;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const linesOf = (chunks: string[]) => chunks.join('').replace(ANSI, '').split('\n').filter((line) => line.trim() !== '');

describe('log output of the hub process', () => {
  // One data directory for both runs, a copy of the run's migrated template with a small page
  // cache: creating one from nothing took over ten seconds of CPU per start.
  let dir: string;
  let database: TestDatabase;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'replywatch-log-output-'));
    database = await createTestDatabase('pglite');
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  });

  /** The built hub as operators start it, with the given log section, until SIGTERM; its output. */
  async function runHub(log: Record<string, unknown>): Promise<string[]> {
    const port = await freePort();
    const output: string[] = [];
    let hub: ChildProcess | undefined;
    writeFileSync(path.join(dir, 'hub.yaml'), stringify({ server: { host: '127.0.0.1', port }, database: { dataDir: database.settings.dataDir, sharedBuffers: database.settings.sharedBuffers }, log }));
    try {
      // As spawnHub, with a longer wait: a busy 2-core CI machine can take over 30 s to boot it.
      hub = spawn(process.execPath, [CLI, 'start'], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '', HUB_CONFIG: path.join(dir, 'hub.yaml') }, stdio: ['ignore', 'pipe', 'pipe'] });
      hub.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      hub.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      await until('the hub is ready', async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.status === 200, 150_000);
    } finally {
      await stopHub(hub);
    }
    return linesOf(output);
  }

  it('log.pretty: true writes readable lines, not JSON, to the last line at shutdown', async () => {
    const lines = await runHub({ pretty: true });
    expect(lines.some((line) => line.startsWith('{'))).toBe(false);
    expect(lines).toContainEqual(expect.stringMatching(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: \[hub\] listening on http:\/\/127\.0\.0\.1:\d+/));
    // Written synchronously: the shutdown's last line is there although the process exits right after.
    expect(lines.at(-1)).toMatch(/INFO: \[hub\] stopped$/);
    expect(lines.join('\n')).not.toContain('Mapped {');
  }, 180_000);

  it('off a terminal, with log.pretty unset, writes JSON lines with no route mapping at info', async () => {
    const lines = await runHub({});
    const records = lines.map((line) => JSON.parse(line) as LogRecord);
    expect(records.map((r) => r.msg)).toContainEqual(expect.stringMatching(/^listening on http:/));
    expect(records.at(-1)).toMatchObject({ level: 30, context: 'hub', msg: 'stopped' });
    expect(records.filter((r) => r.msg.startsWith('Mapped {') || r.context === 'InstanceLoader')).toEqual([]);
  }, 180_000);
});

/** The whole hub on a virtual clock, its log (JSON) captured: the log connector is the duty target. */
describe(`SLA alarms in the log (${testBackend})`, () => {
  it('writes ⚡ and ❗ at warn (40) and ⚠️ at error (50), the opening at info (30)', async () => {
    const records: LogRecord[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) records.push(JSON.parse(line) as LogRecord);
        done();
      },
    });
    const opened = Date.now() - 60_000; // signatures use real time; the SLA clock is virtual
    const clock = new VirtualClock(opened + 60_000);
    const hub = await startTestHub({
      clock,
      logger: new PinoLogger('info', sink),
      hub: { outbox: { pollInterval: '10m', baseDelay: '1s' } },
      rules: {
        calendars: { always: { alwaysOpen: true } },
        duty: { targets: [{ name: 'duty', connector: 'log' }] },
        notify: { inquiryOpened: ['duty'] },
        policies: [seedPolicy('always')],
      },
    });
    const delivered = () => records.filter((r) => r.context === 'connector:log');
    try {
      expect((await hub.post(ingestBody({ conversation: 'acme', sentAt: new Date(opened).toISOString() }))).status).toBe(200);
      const expectedBy = (minute: number) => 1 + (minute >= 60 ? 3 : minute >= 55 ? 2 : minute >= 45 ? 1 : 0);
      for (let minute = 2; minute <= 61 && delivered().length < 4; minute++) {
        await clock.advanceTo(opened + minute * 60_000);
        // Give the scheduler and the outbox (real I/O) a moment to act on the new time.
        for (let i = 0; i < 100 && delivered().length < expectedBy(minute); i++) {
          await new Promise((r) => setTimeout(r, 10));
          await clock.advance(0);
        }
      }
    } finally {
      await hub.close();
    }
    expect(delivered().map((r) => [r.level, r.msg.split(' ')[0], r.msg.split('] ')[1]])).toEqual([
      [30, 'inquiry.opened', expect.any(String)],
      [40, 'sla.mark', '⚡ 15 minutes left — Acme support'],
      [40, 'sla.mark', '❗ 5 minutes left — Acme support'],
      [50, 'sla.breach', '⚠️ SLA MISS — Acme support'],
    ]);
  }, 180_000);
});
