import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { FakeBotApi } from '../../support/fake-bot-api';
import { testBackend } from '../../support/test-database';
import { BOT_TOKEN, CUSTOMER, DUTY_CHAT, eventually, inquiriesOf, STAFF_USER, startTelegramHub, type TelegramHub, telegramRules } from '../../support/telegram-harness';

/** The fake refuses bodies above this with 413, as Telegram refuses uploads above 50 MB. */
const PEER_UPLOAD_CAP = 8192;

describe(`CSV exports above the upload limit (${testBackend})`, () => {
  let tg: TelegramHub;

  afterEach(async () => {
    expect(tg.peer.violations()).toEqual([]);
    await tg.close();
  });

  async function start(clock: VirtualClock, maxUploadBytes: number, rules?: Record<string, unknown>): Promise<void> {
    const peer = new FakeBotApi({ token: BOT_TOKEN, now: () => clock.now(), botUsername: 'replywatch_test_bot', maxUploadBytes: PEER_UPLOAD_CAP });
    await peer.start();
    tg = await startTelegramHub({ clock, peer, telegram: { maxUploadBytes }, ...(rules ? { rules } : {}) });
  }

  /** One inquiry in each of `count` customer groups, titled by `title(i)`. */
  async function seedGroups(clock: VirtualClock, count: number, title: (i: number) => string): Promise<void> {
    for (let i = 0; i < count; i++) tg.peer.groupMessage({ chatId: -1008200000000 - i, title: title(i), from: CUSTOMER, text: `Question ${i}` });
    await eventually(async () => (await inquiriesOf(tg.hub)).length === count, clock, 20_000);
  }

  it('sends /report gzipped when the CSV is above the limit, and the file reads back whole', async () => {
    const clock = new VirtualClock('2026-11-23T09:00:00Z');
    await start(clock, 4096);
    await seedGroups(clock, 100, () => 'Acme support, customer success team EMEA');

    tg.peer.groupMessage({ chatId: DUTY_CHAT, from: STAFF_USER, text: '/report this-month' });
    await eventually(() => tg.peer.sentTo(DUTY_CHAT).some((s) => s.method === 'sendDocument'), clock);
    const [document] = tg.peer.sentTo(DUTY_CHAT).filter((s) => s.method === 'sendDocument');
    expect(document?.file?.filename).toBe('replywatch-November_2026_to_date.csv.gz');
    const csv = gunzipSync(document!.file!.data);
    // Sent as it was, the CSV would have been refused by the peer's cap.
    expect(csv.length).toBeGreaterThan(PEER_UPLOAD_CAP);
    expect(document!.file!.data.length).toBeLessThanOrEqual(4096);
    const rows: Array<Record<string, string>> = parse(csv.toString('utf8'), { columns: true, bom: true });
    expect(rows).toHaveLength(100);
    expect(new Set(rows.map((r) => r.chat_id)).size).toBe(100);
    expect(String(document!.params.caption)).toMatch(/100 inquiries \(gzipped: the CSV is \d+ kB\)$/);
  });

  it('answers /report with the reason, and dead-letters a scheduled export, when even gzipped it is too large', async () => {
    const clock = new VirtualClock('2026-12-31T23:00:00Z');
    const rules = telegramRules({ reports: { exports: [{ name: 'quarterly', schedule: '0 0 1 1 *', sendTo: ['duty'] }] } });
    await start(clock, 1024, rules);
    // Random titles barely compress.
    await seedGroups(clock, 40, () => randomBytes(120).toString('hex'));

    tg.peer.groupMessage({ chatId: DUTY_CHAT, from: STAFF_USER, text: '/report this-month' });
    const answers = () => tg.peer.sentTo(DUTY_CHAT).map((s) => (typeof s.params.text === 'string' ? s.params.text : ''));
    await eventually(() => answers().some((t) => t.startsWith('No file for')), clock);
    const answer = answers().find((t) => t.startsWith('No file for')) ?? '';
    expect(answer).toMatch(/^No file for December 2026 to date: the export is \d+ kB \(\d+ kB gzipped\), above the 1 kB a bot may upload; use a shorter period/);

    await clock.advance(60 * 60_000);
    const exports = () => tg.hub.db.query<{ status: string; last_error: string }>(`SELECT status, last_error FROM deliveries WHERE kind = 'report-export'`);
    await eventually(async () => (await exports())[0]?.status === 'dead', clock);
    const [dead] = await exports();
    expect(dead?.last_error).toContain('2026-Q4 export to duty chat');
    expect(dead?.last_error).toContain('directory export');
    expect(tg.peer.sentTo(DUTY_CHAT).filter((s) => s.method === 'sendDocument')).toEqual([]);
  });
});
