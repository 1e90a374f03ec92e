import { Telegram } from 'telegraf';
import { TelegramCursor } from '../../../src/connectors/telegram/telegram-cursor';
import { TelegramPoller } from '../../../src/connectors/telegram/telegram-poller';
import { type WireUpdate } from '../../../src/connectors/telegram/telegram.wire';
import { UpdateProcessor } from '../../../src/connectors/telegram/update-processor';
import { MemoryStateStore } from '../../../src/plugins/testing';
import { FakeBotApi } from '../../support/fake-bot-api';

const TOKEN = '123456789:TEST-token-abcdefghijklmnopqrstu';
const CUSTOMER = { id: 5550001, first_name: 'Casey' };
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The poller against the fake Bot API, which forgets updates below the offset of each
 * getUpdates as Telegram does. A log of what happened, in order, shows when each fetch was
 * sent relative to the commits and cursor saves.
 */
describe('Telegram poller', () => {
  let peer: FakeBotApi;

  beforeEach(() => {
    peer = new FakeBotApi({ token: TOKEN, botUsername: 'replywatch_test_bot' });
  });

  afterEach(() => peer.stop());

  it('confirms updates to the Bot API only after they are stored, and fetches the next batch while the cursor is saved', async () => {
    const telegram = new Telegram(TOKEN, { apiRoot: await peer.start(), webhookReply: false });
    const log: string[] = [];
    const callApi = telegram.callApi.bind(telegram);
    telegram.callApi = ((method: string, payload: { offset?: number }, options: unknown) => {
      if (method === 'getUpdates') log.push(`fetch ${payload.offset}`);
      return callApi(method as never, payload as never, options as never);
    });
    const state = new MemoryStateStore();
    const compareAndSet = state.compareAndSet.bind(state);
    state.compareAndSet = async (...args: Parameters<MemoryStateStore['compareAndSet']>) => {
      log.push('save start');
      await new Promise((resolve) => setTimeout(resolve, 20));
      const result = await compareAndSet(...args);
      log.push('save end');
      return result;
    };
    const stored = new Map<number, number>();
    // A commit that takes a few ms, as intake's does.
    const handle = async (update: WireUpdate) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      stored.set(update.update_id, (stored.get(update.update_id) ?? 0) + 1);
      log.push(`stored ${update.update_id}`);
    };
    const pushed = Array.from({ length: 250 }, (_, i) => peer.groupMessage({ chatId: -1005000000000 - (i % 7), from: CUSTOMER, text: `m${i}` }));
    const poller = new TelegramPoller(telegram, new TelegramCursor(state, 1), new UpdateProcessor(handle, silent), { timeout: 0, limit: 100 }, { report: () => undefined }, silent);
    const turn = new AbortController();
    for (let pass = 0; pass < 10 && stored.size < pushed.length; pass++) await poller.pass(turn.signal);
    turn.abort();

    expect([...stored.values()].every((n) => n === 1) && stored.size === pushed.length).toBe(true);
    expect(peer.pendingUpdateCount).toBe(0);
    // Every fetch confirms what is below its offset: all of that was stored before it was sent.
    const storedBefore = new Set<number>();
    for (const entry of log) {
      const [what, value] = entry.split(' ');
      if (what === 'stored') storedBefore.add(Number(value));
      if (what === 'fetch') {
        const confirmed = pushed.filter((id) => id < Number(value));
        expect(confirmed.filter((id) => !storedBefore.has(id))).toEqual([]);
      }
    }
    // The next batch was asked for before the previous batch's cursor save ended (serially, a
    // fetch is followed by its batch being stored, and only then by a save).
    const overlapped = log.some((entry, i) => {
      if (!entry.startsWith('fetch')) return false;
      const rest = log.slice(i + 1);
      const saveEnd = rest.indexOf('save end');
      const nextStored = rest.findIndex((e) => e.startsWith('stored'));
      return saveEnd !== -1 && (nextStored === -1 || saveEnd < nextStored);
    });
    expect(overlapped).toBe(true);
  });
});
