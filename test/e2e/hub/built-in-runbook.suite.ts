import { type LoggerService } from '@nestjs/common';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { ingestBody, startTestHub, type TestHub } from '../../support/hub-harness';
import { testBackend } from '../../support/test-database';

/** What the log output connector writes: the hub's own output, as a tryout sees it. */
class LogOutput implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown, context?: unknown): void {
    if (context === 'connector:log') this.lines.push(String(message));
  }
  warn(message: unknown, context?: unknown): void {
    this.log(message, context);
  }
  /** Breaches are written at error; Nest passes the context last, after an optional stack. */
  error(message: unknown, ...rest: unknown[]): void {
    this.log(message, rest[rest.length - 1]);
  }
  debug(): void {}
  verbose(): void {}
  marks(): string[] {
    return this.lines.filter((line) => line.startsWith('sla.')).map((line) => line.replace(/^.*\] /, ''));
  }
}

/**
 * Moves the virtual clock to `minute` after `opened` and gives the scheduler and the outbox
 * (real I/O) a moment to deliver what came due, until the log holds `expected` marks.
 */
async function at(clock: VirtualClock, opened: number, minute: number, output: LogOutput, expected: number): Promise<string[]> {
  await clock.advanceTo(opened + minute * 60_000);
  for (let i = 0; i < 200 && output.marks().length < expected; i++) {
    await new Promise((r) => setTimeout(r, 10));
    await clock.advance(0);
  }
  return output.marks();
}

async function openInquiry(hub: TestHub, opened: number): Promise<void> {
  expect((await hub.post(ingestBody({ conversation: 'acme', sentAt: new Date(opened).toISOString() }))).status).toBe(200);
}

describe(`the runbooks the hub carries (${testBackend})`, () => {
  // A hub's start on the embedded database can take most of a minute on a busy machine. Given
  // per test: jest.setTimeout would apply to every suite run in the same jest file.
  const HUB_TEST_MS = 120_000;

  it('without a rules file gives an inquiry an SLA and writes ⚡ to the log at 45 minutes, ❗ at 55, ⚠️ at 60', async () => {
    const opened = Date.now() - 60_000; // signatures use real time; the SLA clock is virtual
    const clock = new VirtualClock(opened + 60_000);
    const output = new LogOutput();
    const hub = await startTestHub({ clock, rules: false, logger: output, hub: { outbox: { pollInterval: '10m', baseDelay: '1s' } } });
    try {
      await openInquiry(hub, opened);
      const list = (await (await hub.admin('/api/v1/inquiries?status=open')).json()) as { items: Array<{ sla: { policy: string; dueAt: string } | null }> };
      expect(list.items[0]?.sla).toMatchObject({ policy: 'default', dueAt: new Date(opened + 3_600_000).toISOString() });

      expect(await at(clock, opened, 44.9, output, 0)).toEqual([]);
      expect(await at(clock, opened, 45, output, 1)).toEqual(['⚡ 15 minutes left — Acme support']);
      expect(await at(clock, opened, 55, output, 2)).toEqual(['⚡ 15 minutes left — Acme support', '❗ 5 minutes left — Acme support']);
      expect(await at(clock, opened, 60, output, 3)).toEqual(['⚡ 15 minutes left — Acme support', '❗ 5 minutes left — Acme support', '⚠️ SLA MISS — Acme support']);
      expect(output.lines.some((line) => line.startsWith('inquiry.opened → duty-log'))).toBe(true);
    } finally {
      await hub.close();
    }
  }, HUB_TEST_MS);

  it('--demo writes ⚡ to the log one minute after a customer message, even beside a rules file', async () => {
    const opened = Date.now() - 60_000;
    const clock = new VirtualClock(opened + 10_000);
    const output = new LogOutput();
    // A rules file with no policies: under it the message would get no SLA at all.
    const hub = await startTestHub({ clock, demo: true, logger: output, rules: {}, hub: { outbox: { pollInterval: '10m', baseDelay: '1s' } } });
    try {
      await openInquiry(hub, opened);
      expect(await at(clock, opened, 0.9, output, 0)).toEqual([]);
      expect(await at(clock, opened, 1, output, 1)).toEqual(['⚡ 2 minutes left — Acme support']);
      // Each mark in its own minute: marks found due together (after downtime) send only the latest.
      expect(await at(clock, opened, 2, output, 2)).toEqual(['⚡ 2 minutes left — Acme support', '❗ 1 minute left — Acme support']);
      expect(await at(clock, opened, 3, output, 3)).toEqual(['⚡ 2 minutes left — Acme support', '❗ 1 minute left — Acme support', '⚠️ SLA MISS — Acme support']);
    } finally {
      await hub.close();
    }
  }, HUB_TEST_MS);
});
