import { type VirtualClock } from '../../src/core/clock/virtual-clock';
import { FakeBotApi } from './fake-bot-api';
import { startTestHub, type TestHub } from './hub-harness';
import { seedPolicy } from './sla-harness';
import { type TestDatabase } from './test-database';

export const BOT_TOKEN = '123456789:TEST-token-abcdefghijklmnopqrstu';
export const DUTY_CHAT = -1009000000001;
export const STAFF_USER = { id: 42, first_name: 'Sam', username: 'sam_support' };
export const BOT_ADMIN = { id: 7, first_name: 'Ada', username: 'ada_admin' };
export const CUSTOMER = { id: 5550001, first_name: 'Casey' };

/** The seed policy (marks at 45, 55 and 60 minutes), always open, one Telegram duty chat. */
export function telegramRules(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    calendars: { always: { alwaysOpen: true } },
    duty: { targets: [{ name: 'duty', connector: 'telegram', to: { chatId: DUTY_CHAT } }] },
    staff: [{ name: 'Sam', role: 'support', identities: [{ channel: 'telegram', id: STAFF_USER.id }] }],
    policies: [seedPolicy('always')],
    ...extra,
  };
}

export interface TelegramHub {
  peer: FakeBotApi;
  hub: TestHub;
  /** Stops the hub, keeps the peer (and its queued updates) for a restart. */
  stopHub(): Promise<void>;
  startHub(): Promise<TestHub>;
  close(): Promise<void>;
}

export interface TelegramHubOptions {
  clock: VirtualClock;
  rules?: Record<string, unknown>;
  telegram?: Record<string, unknown>;
  hub?: Record<string, unknown>;
  database?: TestDatabase;
  peer?: FakeBotApi;
}

/** A hub whose Telegram connector talks to a fake Bot API on loopback, on a virtual clock. */
export async function startTelegramHub(options: TelegramHubOptions): Promise<TelegramHub> {
  const peer = options.peer ?? new FakeBotApi({ token: BOT_TOKEN, now: () => options.clock.now(), botUsername: 'replywatch_test_bot' });
  const apiRoot = options.peer ? peer.apiRoot : await peer.start();
  peer.markDutyChat(DUTY_CHAT, { type: 'supergroup', title: 'Support duty' });
  const start = () =>
    startTestHub({
      clock: options.clock,
      ...(options.database ? { database: options.database } : {}),
      hub: {
        // Virtual time: a short poll would mean thousands of wake-ups per simulated hour.
        outbox: { pollInterval: '10m', baseDelay: '1s', maxDelay: '30s' },
        connectors: {
          http: { enabled: true, secret: '${TEST_INGEST_SECRET}' },
          telegram: { enabled: true, token: BOT_TOKEN, apiRoot, polling: { timeout: 1 }, admins: [BOT_ADMIN.id], ...options.telegram },
        },
        ...options.hub,
      },
      rules: options.rules ?? telegramRules(),
    });
  const state = { hub: await start() };
  return {
    peer,
    get hub() {
      return state.hub;
    },
    async stopHub() {
      await state.hub.app.close();
    },
    async startHub() {
      state.hub = await start();
      return state.hub;
    },
    async close() {
      await state.hub.close().catch(() => undefined);
      await peer.stop();
    },
  };
}

/**
 * Waits (in real time) for something the hub does asynchronously, nudging the virtual clock
 * so sleepers due "now" run.
 */
export async function eventually(check: () => boolean | Promise<boolean>, clock: VirtualClock, timeoutMs = 8000): Promise<void> {
  for (let waited = 0; !(await check()); waited += 20) {
    if (waited >= timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await clock.advance(0);
  }
}

/** Moves virtual time forward in steps, letting the scheduler and the outbox act at each. */
export async function advanceBy(clock: VirtualClock, ms: number, stepMs = 60_000): Promise<void> {
  const end = clock.now() + ms;
  while (clock.now() < end) {
    await clock.advanceTo(Math.min(end, clock.now() + stepMs));
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      await clock.advance(0);
    }
  }
}

export async function inquiriesOf(hub: TestHub): Promise<Array<{ status: string; external_id: string; customer_message_count: number; responder_id: string | null }>> {
  return hub.db.query(
    `SELECT i.status, c.external_id, i.customer_message_count, i.responder_id FROM inquiries i JOIN conversations c ON c.id = i.conversation_id WHERE c.channel = 'telegram' ORDER BY i.opened_at, c.external_id`,
  );
}
