import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'yaml';
import { runReport } from '../../../src/cli/report.command';
import { UsageError } from '../../../src/cli/usage-error';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { ADMIN_TOKEN } from '../../support/hub-harness';
import { cli } from '../../support/run-cli';
import { createSla, customer, staff } from '../../support/sla-harness';
import { advanceBy, DUTY_CHAT, eventually, STAFF_USER, startTelegramHub, type TelegramHub, telegramRules } from '../../support/telegram-harness';
import { createTestDatabase, testBackend, type TestDatabase } from '../../support/test-database';

// Around the turn of October to November and of November to December, Moscow (UTC+3) and UTC
// disagree about the month of an inquiry.
const OPENED = {
  'a-moscow-november': '2026-10-31T22:30:00Z', // 01:30 on 1 November in Moscow, still October in UTC
  'b-november-everywhere': '2026-11-15T10:00:00Z',
  'c-utc-november': '2026-11-30T22:30:00Z', // 01:30 on 1 December in Moscow
  'd-october-everywhere': '2026-10-31T20:30:00Z', // 23:30 on 31 October in Moscow
} as const;
const MOSCOW_NOVEMBER = ['a-moscow-november', 'b-november-everywhere'];
const UTC_NOVEMBER = ['b-november-everywhere', 'c-utc-november'];
const BOUNDS = { timezone: 'Europe/Moscow', from: '2026-11-01T00:00:00.000+03:00', to: '2026-12-01T00:00:00.000+03:00' };

describe(`"last month" with reports.timezone: Europe/Moscow (${testBackend})`, () => {
  let database: TestDatabase;
  let tg: TelegramHub;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = await database.open();
    const { intake } = createSla(db, new VirtualClock('2026-12-01T03:00:00Z'));
    for (const [conversation, at] of Object.entries(OPENED)) {
      await intake.accept('http', customer(conversation, at, `${conversation}-q`));
      await intake.accept('http', staff(conversation, Date.parse(at) + 10 * 60_000, `${conversation}-a`));
    }
    await db.close();
    dir = mkdtempSync(path.join(tmpdir(), 'replywatch-tz-'));
  });

  afterAll(async () => {
    await tg.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is the same inquiries in /slastat, /report, the API (JSON and CSV), the scheduled export and the CLI', async () => {
    // 06:30 on 1 December in Moscow (03:30 UTC): November has ended in both zones.
    const clock = new VirtualClock('2026-12-01T03:30:00Z');
    const exports = [{ name: 'monthly', schedule: '0 7 1 * *', period: 'last-month', sendTo: ['duty'], directory: dir }];
    tg = await startTelegramHub({ clock, database, rules: telegramRules({ reports: { timezone: 'Europe/Moscow', exports } }) });
    const seen: Record<string, string[]> = {};
    type Figures = { inquiries: number; hotConversations: Array<{ conversation: string }> };
    const conversations = (r: Figures) => r.hotConversations.map((h) => h.conversation).sort();
    const titled = (text: string) => Object.keys(OPENED).filter((id) => text.includes(`Chat ${id} (http)`));

    // The scheduled export, at 07:00 Moscow: the document in the duty chat and the file. Past
    // 07:00 the clock moves a second at a time, at most 10, while no document has arrived: the
    // duty chat's pacing may hold the upload a second behind an earlier send (a stopped clock
    // never let it go), and small steps stay far inside the 30 s attempt timeout, past which a
    // retry would send a second copy. The clock then stops while the upload is in flight.
    await advanceBy(clock, 30 * 60_000, 10 * 60_000);
    for (let moved = 0; documents().length === 0 && moved < 10_000; moved += 1000) await advanceBy(clock, 1000, 1000);
    await eventually(() => documents().length > 0, clock);
    await eventually(async () => (await tg.hub.db.query(`SELECT id FROM deliveries WHERE status = 'in_flight'`)).length === 0, clock);
    expect(documents()).toHaveLength(1);
    seen.scheduledDocument = csvIds(documents()[0]!.file!.data.toString('utf8'));
    seen.scheduledFile = csvIds(readFileSync(path.join(dir, 'monthly-November_2026.csv'), 'utf8'));
    const [exportPayload] = (await tg.hub.db.query<{ payload: unknown }>(`SELECT payload FROM deliveries WHERE kind = 'report-export'`)).map((r) => r.payload);

    // Telegram: /slastat and /report, the zone from the rules.
    tg.peer.groupMessage({ chatId: DUTY_CHAT, from: STAFF_USER, text: '/slastat last-month' });
    await eventually(() => dutyTexts().some((t) => t.startsWith('SLA report')), clock);
    const stat = dutyTexts().find((t) => t.startsWith('SLA report')) ?? '';
    seen.slastat = titled(stat);
    tg.peer.groupMessage({ chatId: DUTY_CHAT, from: STAFF_USER, text: '/report last-month' });
    await eventually(() => documents().length === 2, clock);
    seen.telegramReport = csvIds(documents()[1]!.file!.data.toString('utf8'));

    // The admin API, JSON and CSV.
    const json = (await (await admin('/api/v1/reports?period=last-month')).json()) as Figures;
    seen.apiJson = conversations(json);
    const csvResponse = await admin('/api/v1/reports?period=last-month&format=csv');
    const csv = await csvResponse.text();
    seen.apiCsv = csvIds(csv);

    const utc = (await (await admin('/api/v1/reports?period=last-month&timezone=UTC')).json()) as Figures;
    const bad = await admin('/api/v1/reports?period=last-month&timezone=Mars/Olympus');
    // The CLI reads the zone from the rules file, as the hub does. It is another process in
    // production, and the embedded database admits one at a time: the hub stops first.
    await tg.stopHub();
    const rulesFile = path.join(dir, 'rules.yaml');
    writeFileSync(rulesFile, stringify({ version: 1, reports: { timezone: 'Europe/Moscow' } }));
    const run = (args: string[]) => cli(() => runReport(['--period', 'last-month', ...args], undefined, clock), database, { RULES_FILE: rulesFile });
    const cliJson = JSON.parse((await run(['--format', 'json'])).out) as Figures;
    seen.cliJson = conversations(cliJson);
    const cliText = (await run([])).out;
    seen.cliText = titled(cliText);
    seen.cliCsv = csvIds((await run(['--format', 'csv'])).out);

    expect(seen).toEqual({
      scheduledDocument: MOSCOW_NOVEMBER,
      scheduledFile: MOSCOW_NOVEMBER,
      slastat: MOSCOW_NOVEMBER,
      telegramReport: MOSCOW_NOVEMBER,
      apiJson: MOSCOW_NOVEMBER,
      apiCsv: MOSCOW_NOVEMBER,
      cliJson: MOSCOW_NOVEMBER,
      cliText: MOSCOW_NOVEMBER,
      cliCsv: MOSCOW_NOVEMBER,
    });

    // Each answer states the zone and the bounds with its offset.
    const heading = 'SLA report, November 2026 (Europe/Moscow)\nfrom 2026-11-01T00:00:00.000+03:00 to 2026-12-01T00:00:00.000+03:00\ninquiries 2:';
    expect(stat.startsWith(heading)).toBe(true);
    expect(cliText.startsWith(heading)).toBe(true);
    expect(documents()[0]?.params.caption).toBe('📊 SLA export "monthly", November 2026 (Europe/Moscow) — 2 inquiries');
    expect(exportPayload).toMatchObject({ label: 'November 2026', ...BOUNDS });
    expect(documents()[1]?.params.caption).toBe('SLA export, November 2026 (Europe/Moscow): 2 inquiries');
    expect(json).toMatchObject({ period: 'November 2026', ...BOUNDS, inquiries: 2 });
    expect(cliJson).toMatchObject({ period: 'November 2026', ...BOUNDS, inquiries: 2 });
    expect(csvResponse.headers.get('x-replywatch-timezone')).toBe('Europe/Moscow');
    expect(csv).toContain('a-moscow-november,2026-11-01T01:30:00+03:00,2026-11-01T01:40:00+03:00');

    // An explicit zone wins over the rules; an unknown one names the parameter or option.
    expect(utc).toMatchObject({ timezone: 'UTC', from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z', inquiries: 2 });
    expect(conversations(utc)).toEqual(UTC_NOVEMBER);
    expect(csvIds((await run(['--format', 'csv', '--timezone', 'UTC'])).out)).toEqual(UTC_NOVEMBER);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(await bad.json()).toMatchObject({ parameter: 'timezone', detail: expect.stringContaining('unknown time zone "Mars/Olympus"') as unknown });
    await expect(runReport(['--period', 'last-month', '--timezone', 'Mars/Olympus'])).rejects.toThrow(new UsageError('--timezone: unknown time zone "Mars/Olympus" (expected an IANA zone such as Europe/Moscow or UTC)'));
  });

  function documents() {
    return tg.peer.sentTo(DUTY_CHAT).filter((s) => s.method === 'sendDocument');
  }

  function dutyTexts(): string[] {
    return tg.peer.sentTo(DUTY_CHAT).map((s) => (typeof s.params.text === 'string' ? s.params.text : ''));
  }

  function admin(pathAndQuery: string): Promise<Response> {
    return fetch(`${tg.hub.url}${pathAndQuery}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  }
});

/** The chat ids of a CSV export, sorted. */
function csvIds(csv: string): string[] {
  const rows: Array<Record<string, string>> = parse(csv, { columns: true, bom: true });
  return rows.map((r) => r.chat_id ?? '').sort();
}
