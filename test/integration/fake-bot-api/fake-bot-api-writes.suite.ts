import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TelegramError } from 'telegraf';
import { telegramError, timed, TOKEN, usePeers } from './peer-fixture';

const DUTY = -1009000000001;
const CUSTOMER = -1009000000002;
const SMALL_GROUP = -4001;

describe('FakeBotApi: writes, errors and faults', () => {
  const peers = usePeers();

  it('sends a message into a topic and records it with a realistic result', async () => {
    const { peer, telegram } = await peers.peer({ now: () => 1_700_000_000_123 });
    peer.markDutyChat(DUTY, { title: 'Duty', is_forum: true });
    const keyboard = { inline_keyboard: [[{ text: 'Ack', callback_data: 'ack:1' }]] };
    const sent = await telegram.sendMessage(DUTY, '<b>New</b> inquiry', { message_thread_id: 7, parse_mode: 'HTML', reply_markup: keyboard });
    expect(sent).toMatchObject({
      message_id: 1, date: 1_700_000_000, chat: { id: DUTY, type: 'supergroup', title: 'Duty', is_forum: true },
      from: { id: 123456, is_bot: true }, text: '<b>New</b> inquiry', message_thread_id: 7, is_topic_message: true, reply_markup: keyboard,
    });
    expect(peer.sentTo(DUTY).map((s) => s.message.message_id)).toEqual([1]);
    expect(peer.nextMessageId(DUTY)).toBe(2);
  });

  it('rejects text that is empty, too long after markup parsing, or badly marked up', async () => {
    const { peer, telegram } = await peers.peer();
    peer.markDutyChat(DUTY);
    const tooLong = await telegramError(telegram.sendMessage(DUTY, 'x'.repeat(4097)));
    expect([tooLong.code, tooLong.description]).toEqual([400, 'Bad Request: message is too long']);
    expect((await telegramError(telegram.sendMessage(DUTY, '  \n'))).description).toBe('Bad Request: message text is empty');
    await telegram.sendMessage(DUTY, 'x'.repeat(4096));
    await telegram.sendMessage(DUTY, `<b>${'x'.repeat(4090)}</b> &amp;`, { parse_mode: 'HTML' });
    const markdown = await telegramError(telegram.sendMessage(DUTY, 'Due 12.05', { parse_mode: 'MarkdownV2' }));
    expect(markdown.description).toBe("Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'");
    const html = await telegramError(telegram.sendMessage(DUTY, 'a <x> b', { parse_mode: 'HTML' }));
    expect(html.description).toBe('Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 2');
    expect(peer.sentTo(DUTY)).toHaveLength(2);
  });

  it('uploads a document as multipart and keeps the file name and bytes', async () => {
    const { peer, telegram } = await peers.peer();
    peer.markDutyChat(DUTY);
    const csv = Buffer.from('inquiry,first_response_ms\r\n--1,60000\r\n\u00e9\n');
    const message = await telegram.sendDocument(DUTY, { source: csv, filename: 'report.csv' }, { caption: 'Weekly report' });
    expect(message.document).toMatchObject({ file_name: 'report.csv', mime_type: 'text/csv', file_size: csv.length });
    const [record] = peer.sentTo(DUTY);
    expect(record).toMatchObject({ method: 'sendDocument', params: { chat_id: DUTY, caption: 'Weekly report' } });
    expect(record!.file).toMatchObject({ field: 'document', filename: 'report.csv', contentType: 'application/octet-stream' });
    expect(record!.file!.data.equals(csv)).toBe(true);
  });

  it('edits, refuses a no-op edit, deletes, and answers a callback query exactly once', async () => {
    const { peer, telegram } = await peers.peer();
    peer.markDutyChat(DUTY);
    const { message_id } = await telegram.sendMessage(DUTY, 'open');
    await telegram.editMessageText(DUTY, message_id, undefined, 'answered');
    expect(peer.message(DUTY, message_id)).toMatchObject({ text: 'answered' });
    expect((await telegramError(telegram.editMessageText(DUTY, message_id, undefined, 'answered'))).description).toMatch(
      /^Bad Request: message is not modified/,
    );
    await telegram.deleteMessage(DUTY, message_id);
    expect((await telegramError(telegram.deleteMessage(DUTY, message_id))).description).toBe('Bad Request: message to delete not found');

    peer.callbackQuery({ from: { id: 42 }, chatId: DUTY, messageId: message_id, data: 'ack' });
    const [update] = await telegram.getUpdates(0, 100, 0, undefined);
    const queryId = (update as { callback_query: { id: string } }).callback_query.id;
    expect(await telegram.answerCbQuery(queryId, 'Noted')).toBe(true);
    const again = await telegramError(telegram.answerCbQuery(queryId));
    expect(again.description).toBe('Bad Request: query is too old and response timeout expired or query ID is invalid');
    expect(peer.callbackAnswers).toMatchObject([{ id: queryId, text: 'Noted', showAlert: false }]);
  });

  it('answers 403 once the bot is removed and 400 with migrate_to_chat_id for an upgraded group', async () => {
    const { peer, telegram } = await peers.peer();
    peer.markDutyChat(SMALL_GROUP);
    peer.markDutyChat(DUTY);
    peer.removeBot(DUTY);
    expect((await telegramError(telegram.sendMessage(DUTY, 'hi'))).description).toBe('Forbidden: bot was kicked from the supergroup chat');
    peer.removeBot(SMALL_GROUP);
    const kicked = await telegramError(telegram.sendMessage(SMALL_GROUP, 'hi'));
    expect([kicked.code, kicked.description]).toEqual([403, 'Forbidden: bot was kicked from the group chat']);

    peer.restoreBot(SMALL_GROUP);
    peer.groupMessage({ chatId: SMALL_GROUP, migrate_to_chat_id: -1009000000099 });
    const moved = await telegramError(telegram.sendMessage(SMALL_GROUP, 'hi'));
    expect([moved.code, moved.description]).toEqual([400, 'Bad Request: group chat was upgraded to a supergroup chat']);
    expect(moved.parameters).toEqual({ migrate_to_chat_id: -1009000000099 });
    expect(await telegram.sendMessage(-1009000000099, 'hi')).toMatchObject({ chat: { type: 'supergroup' } });
    expect(peer.violations()).toEqual([]);
    expect((await telegramError(telegram.sendMessage(-5, 'hi'))).description).toBe('Bad Request: chat not found');
  });

  it('records writes to customer chats as violations and logs every chat call as JSON lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-bot-api-'));
    const logFile = join(dir, 'nested', 'calls.jsonl');
    // The run's own call log (global setup) must come back for the suites after this one.
    const runLog = process.env.REPLYWATCH_BOT_API_CALL_LOG;
    process.env.REPLYWATCH_BOT_API_CALL_LOG = logFile;
    try {
      const { peer, telegram } = await peers.peer({ now: () => 5000 });
      peer.markDutyChat(DUTY);
      peer.groupMessage({ chatId: CUSTOMER, text: 'help!' });
      await telegram.sendMessage(DUTY, 'new inquiry');
      expect(await telegram.sendMessage(CUSTOMER, 'oops')).toMatchObject({ chat: { id: CUSTOMER } });
      await telegram.setMyCommands([{ command: 'ack', description: 'Acknowledge' }], { scope: { type: 'chat', chat_id: CUSTOMER } });
      expect(peer.violations()).toEqual([
        { method: 'sendMessage', chatId: CUSTOMER, at: 5000 },
        { method: 'setMyCommands', chatId: CUSTOMER, at: 5000 },
      ]);
      const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
      expect(lines).toEqual([
        { at: 5000, method: 'sendMessage', chatId: DUTY, customerChat: false },
        { at: 5000, method: 'sendMessage', chatId: CUSTOMER, customerChat: true },
        { at: 5000, method: 'setMyCommands', chatId: CUSTOMER, customerChat: true },
      ]);
      expect(peer.commandsFor({ type: 'chat', chat_id: CUSTOMER })).toEqual([{ command: 'ack', description: 'Acknowledge' }]);
    } finally {
      if (runLog === undefined) delete process.env.REPLYWATCH_BOT_API_CALL_LOG;
      else process.env.REPLYWATCH_BOT_API_CALL_LOG = runLog;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('enforces flood limits on the injected clock: 1/s per chat, 20/min per group, 30/s overall', async () => {
    let clock = 1_000_000;
    const { peer, telegram } = await peers.peer({ now: () => clock, enforceRateLimits: true });
    peer.markDutyChat(DUTY);
    await telegram.sendMessage(DUTY, 'one');
    const burst = await telegramError(telegram.sendMessage(DUTY, 'two'));
    expect([burst.code, burst.description, burst.parameters]).toEqual([429, 'Too Many Requests: retry after 1', { retry_after: 1 }]);
    for (let i = 0; i < 19; i++) {
      clock += 1000;
      await telegram.sendMessage(DUTY, `n${i}`);
    }
    clock += 1000;
    const minute = await telegramError(telegram.sendMessage(DUTY, 'twenty-first'));
    expect(minute.parameters).toEqual({ retry_after: 40 });
    clock += 40_000;
    await telegram.sendMessage(DUTY, 'after the window');

    clock += 60_000;
    const chats = Array.from({ length: 31 }, (_, i) => -1009100000000 - i);
    chats.forEach((id) => peer.markDutyChat(id));
    for (const id of chats.slice(0, 30)) await telegram.sendMessage(id, 'broadcast');
    expect((await telegramError(telegram.sendMessage(chats[30]!, 'broadcast'))).parameters).toEqual({ retry_after: 1 });

    expect(peer.rateLimited.total).toBe(3);
    expect(peer.rateLimited.byRule).toEqual({ 'per-chat-second': 1, 'per-group-minute': 1, 'global-second': 1 });
    expect(peer.sentTo(DUTY)).toHaveLength(21);
  });

  it('injects scripted faults: Bot API errors, raw 5xx pages, delays and dropped sockets', async () => {
    const { peer, apiRoot, telegram } = await peers.peer();
    peer.markDutyChat(DUTY);
    peer.failNext('sendMessage', { kind: 'error', code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } }, { chatId: DUTY });
    const flood = await telegramError(telegram.sendMessage(DUTY, 'x'));
    expect(flood).toBeInstanceOf(TelegramError);
    expect([flood.code, flood.parameters?.retry_after]).toEqual([429, 7]);
    peer.failNext('getUpdates', { kind: 'http', status: 502 });
    expect((await telegramError(telegram.getUpdates(0, 100, 0, undefined))).code).toBe(502);

    peer.failNext('sendMessage', { kind: 'http', status: 503 }, { times: 2 });
    const raw = await fetch(`${apiRoot}/bot${TOKEN}/sendMessage`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chat_id: DUTY, text: 'x' }),
    });
    expect([raw.status, raw.headers.get('content-type')]).toEqual([503, 'text/html']);
    expect(await raw.text()).toContain('<h1>503 Bad Gateway</h1>');
    expect((await telegramError(telegram.sendMessage(DUTY, 'x'))).code).toBe(503);

    peer.failNext('sendMessage', { kind: 'delay', ms: 300 });
    const slow = await timed(telegram.sendMessage(DUTY, 'slow'));
    expect(slow.ms).toBeGreaterThanOrEqual(290);
    peer.failNext('sendMessage', { kind: 'drop' });
    await expect(telegram.sendMessage(DUTY, 'lost')).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(peer.callsTo('sendMessage').map((c) => c.status)).toEqual([429, 503, 503, 200, 0]);
    expect(peer.sentTo(DUTY).map((s) => s.message.text)).toEqual(['slow']);
  });
});
