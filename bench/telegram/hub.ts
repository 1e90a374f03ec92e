import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type INestApplication, type LoggerService } from '@nestjs/common';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/core/config/load-config';
import { IntakeService } from '../../src/core/intake/intake.service';
import { DATABASE, type Backend, type Database } from '../../src/core/persistence/database';
import { createHub } from '../../src/hub';
import { FakeBotApi } from '../../test/support/fake-bot-api';
import { scratchPostgres } from '../intake/databases';
import { pendingCleanups } from '../shared/lifecycle';

export const BOT_TOKEN = '700000001:BENCH-token-abcdefghijklmnopqrstu';
export const DUTY_CHAT = -1009000000001;
export const STAFF_USER = { id: 42, first_name: 'Sam', username: 'sam_support' };
/** The channel the direct-sink baseline writes to (the staff member has an identity there too). */
export const BASELINE_CHANNEL = 'bench';

export const groupChatId = (group: number): number => -1002000000000 - group;
export const groupTitle = (group: number): string => `Customer group ${group}`;
export const customerOf = (group: number) => ({ id: 100_000_000 + group, first_name: `Customer ${group}` });

const STOP_LIMIT_MS = 15_000;
const READY_LIMIT_MS = 30_000;

export interface BenchHub {
  app: INestApplication;
  db: Database;
  intake: IntakeService;
  peer: FakeBotApi;
  backend: Backend;
  /** Where the data lives (a directory, or host/database without credentials). */
  location: string;
  /** Closes the hub, then the peer, then removes the database; also run on abort. */
  stop(): Promise<void>;
}

export interface BenchHubOptions {
  adminUrl: string | null;
  /** Sets notify.inquiryOpened: [duty] in the rules (the 429 storm only). */
  notifyOpened: boolean;
  logger: LoggerService;
}

/**
 * A fake Bot API on loopback (real clock), then a hub on a fresh database whose Telegram
 * connector polls it, started like `replywatch start` does (config files, createHub, listen).
 * Everything it creates is owed to pendingCleanups until stop().
 */
export async function startBenchHub(options: BenchHubOptions): Promise<BenchHub> {
  const undo: Array<() => Promise<void>> = [];
  const dispose = async () => {
    pendingCleanups.delete(dispose);
    for (const step of undo.splice(0).reverse()) await step().catch((error: unknown) => console.error(`   cleanup: ${String(error)}`));
  };
  pendingCleanups.add(dispose);
  try {
    const peer = new FakeBotApi({ token: BOT_TOKEN, botUsername: 'replywatch_bench_bot' });
    const apiRoot = await peer.start();
    undo.push(() => peer.stop());
    peer.markDutyChat(DUTY_CHAT, { type: 'supergroup', title: 'Support duty' });

    const dir = await mkdtemp(path.join(tmpdir(), 'replywatch-bench-telegram-'));
    undo.push(() => rm(dir, { recursive: true, force: true }));
    const { section, backend, location } = await freshDatabase(options.adminUrl, dir, undo);
    const hubFile = path.join(dir, 'hub.yaml');
    const rulesFile = path.join(dir, 'rules.yaml');
    await writeFile(rulesFile, stringify(benchRules(options.notifyOpened)));
    await writeFile(
      hubFile,
      stringify({
        server: { host: '127.0.0.1', port: 0 },
        database: section,
        rulesFile,
        connectors: {
          telegram: { enabled: true, token: BOT_TOKEN, apiRoot, polling: { timeout: 1 }, pacing: { perGroupPerMinute: 60 } },
        },
      }),
    );

    const app = await createHub({ config: loadConfig({ HUB_CONFIG: hubFile }), logger: options.logger });
    undo.push(() => bounded(app.close(), 'closing the hub'));
    await app.listen(0, '127.0.0.1');
    await waitUntil(() => peer.getUpdatesCalls > 0, READY_LIMIT_MS, 'the hub did not start polling the fake Bot API');
    return { app, db: app.get<Database>(DATABASE), intake: app.get(IntakeService), peer, backend, location, stop: dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** rules.yaml: one staff member, one Telegram duty chat, a 60-minute policy on an always-open calendar. */
function benchRules(notifyOpened: boolean): Record<string, unknown> {
  return {
    version: 1,
    calendars: { always: { alwaysOpen: true } },
    // The 429 storm measures the outbox against Telegram's throttling, not the storm guard's digest.
    duty: { targets: [{ name: 'duty', connector: 'telegram', to: { chatId: DUTY_CHAT } }], ...(notifyOpened ? { stormLimitPerMinute: 1000 } : {}) },
    staff: [
      {
        name: 'Sam',
        role: 'support',
        identities: [
          { channel: 'telegram', id: STAFF_USER.id },
          { channel: BASELINE_CHANNEL, id: STAFF_USER.id },
        ],
      },
    ],
    policies: [
      {
        name: 'default',
        target: '60m',
        calendar: 'always',
        // None falls due within a run of a few minutes.
        marks: [
          { before: '15m', level: 'warning', emoji: '⚡', message: '15 minutes left — {title}', actions: [{ notify: ['duty'] }] },
          { at: '100%', level: 'breach', emoji: '⚠️', message: 'SLA MISS — {title}', actions: [{ notify: ['duty'] }] },
        ],
      },
    ],
    ...(notifyOpened ? { notify: { inquiryOpened: ['duty'] } } : {}),
  };
}

async function freshDatabase(
  adminUrl: string | null,
  dir: string,
  undo: Array<() => Promise<void>>,
): Promise<{ section: Record<string, unknown>; backend: Backend; location: string }> {
  if (adminUrl === null) {
    const dataDir = path.join(dir, 'data');
    return { section: { dataDir }, backend: 'pglite', location: dataDir };
  }
  const scratch = await scratchPostgres(adminUrl);
  undo.push(scratch.drop);
  return { section: { url: scratch.url, poolSize: 10 }, backend: 'postgres', location: scratch.location };
}

async function bounded(work: Promise<unknown>, what: string): Promise<void> {
  const timeout = sleep(STOP_LIMIT_MS, 'timeout', { ref: false });
  if ((await Promise.race([work.then(() => 'done'), timeout])) === 'timeout') console.error(`   cleanup: ${what} took over ${STOP_LIMIT_MS} ms; moving on`);
}

/** Polls a cheap in-process condition every 10 ms. */
export async function waitUntil(condition: () => boolean, limitMs: number, failure: string): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`${failure} (waited ${limitMs} ms)`);
    await sleep(10);
  }
}
