import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { runReport } from '../../../src/cli/report.command';
import { cli } from '../../support/run-cli';
import { createTestDatabase, testBackend, type TestDatabase } from '../../support/test-database';
import { ADMIN_TOKEN } from '../../support/hub-harness';
import { advanceBy, CUSTOMER, DUTY_CHAT, eventually, inquiriesOf, STAFF_USER, startTelegramHub, type TelegramHub, telegramRules } from '../../support/telegram-harness';

const GROUP = -1008000000001;

describe(`scheduled reports to the duty chat (${testBackend})`, () => {
  let tg: TelegramHub;
  let dir: string;
  const databases: TestDatabase[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'replywatch-exports-'));
  });

  afterEach(async () => {
    expect(tg.peer.violations()).toEqual([]);
    await tg.close();
    rmSync(dir, { recursive: true, force: true });
    for (const database of databases.splice(0)) await database.drop();
  });

  it('sends the quarterly CSV as a document and writes it to a directory, and a daily digest, each once', async () => {
    // 31 December, 07:00 in Berlin.
    const clock = new VirtualClock('2026-12-31T06:00:00Z');
    const rules = telegramRules({
      reports: {
        timezone: 'Europe/Berlin',
        exports: [{ name: 'quarterly', sendTo: ['duty'], directory: dir }],
        digests: [{ name: 'daily', schedule: '0 9 * * *', period: 'yesterday', sendTo: ['duty'] }],
      },
    });
    // A day of virtual time: the outbox and SLA loops are woken by new work and sleep until
    // their next due time, so a long safety poll only spares thousands of idle passes.
    tg = await startTelegramHub({ clock, rules, hub: { outbox: { pollInterval: '1h', baseDelay: '1s', maxDelay: '30s' } } });
    tg.peer.groupMessage({ chatId: GROUP, title: 'Acme "Labs", Inc.', from: CUSTOMER, text: 'Year-end question' });
    await eventually(async () => (await inquiriesOf(tg.hub)).length === 1, clock);
    await clock.advance(12 * 60_000);
    tg.peer.groupMessage({ chatId: GROUP, from: STAFF_USER, text: 'Answer' });
    await eventually(async () => (await inquiriesOf(tg.hub))[0]?.status === 'answered', clock);

    // Through 1 January 09:30 Berlin: the export at 06:00, digests at 09:00 on both days. The
    // clock waits for the upload (real disk and HTTP time) before it moves on, as hours would
    // otherwise pass in one step and time the upload out.
    await advanceBy(clock, Date.parse('2027-01-01T05:00:00Z') - clock.now(), 60 * 60_000);
    await eventually(() => tg.peer.sentTo(DUTY_CHAT).some((s) => s.method === 'sendDocument'), clock);
    // The peer has the document before the hub records the delivery: moving hours on before
    // that would time the attempt out and send it again (at least once, as documented).
    await eventually(async () => (await tg.hub.db.query(`SELECT id FROM deliveries WHERE status = 'in_flight'`)).length === 0, clock);
    await advanceBy(clock, Date.parse('2027-01-01T08:30:00Z') - clock.now(), 60 * 60_000);
    await eventually(() => tg.peer.sentTo(DUTY_CHAT).filter((s) => textOf(s.params).startsWith('SLA report')).length === 2, clock);

    const documents = tg.peer.sentTo(DUTY_CHAT).filter((s) => s.method === 'sendDocument');
    expect(documents).toHaveLength(1);
    expect(documents[0]?.file?.filename).toBe('replywatch-2026-Q4.csv');
    const rows: Array<Record<string, string>> = parse(documents[0]!.file!.data.toString('utf8'), { columns: true, bom: true });
    expect(rows).toEqual([
      expect.objectContaining({ chat_id: String(GROUP), created_at: '2026-12-31T07:00:00+01:00', first_reply_at: '2026-12-31T07:12:00+01:00', overdue: 'false', conversation_title: 'Acme "Labs", Inc.' }),
    ]);

    const digests = tg.peer.sentTo(DUTY_CHAT).map((s) => textOf(s.params)).filter((t) => t.startsWith('SLA report'));
    expect(digests[0]).toMatch(/^SLA report, 2026-12-30 \(Europe\/Berlin\)\nfrom 2026-12-30T00:00:00\.000\+01:00 to 2026-12-31T00:00:00\.000\+01:00\ninquiries 0/);
    expect(digests[1]).toMatch(/^SLA report, 2026-12-31 \(Europe\/Berlin\)\nfrom .+\ninquiries 1: answered 1/);

    await eventually(() => existsSync(path.join(dir, 'quarterly-2026-Q4.csv')), clock);
    expect(readdirSync(dir)).toEqual(['quarterly-2026-Q4.csv']);
    expect(readFileSync(path.join(dir, 'quarterly-2026-Q4.csv'), 'utf8')).toContain(`${GROUP},2026-12-31T07:00:00+01:00`);
    const runs = await tg.hub.db.query<{ job: string; label: string }>(`SELECT job, label FROM report_runs ORDER BY fire_at, job`);
    expect(runs).toEqual([
      { job: 'daily', label: '2026-12-30' },
      { job: 'quarterly', label: '2026-Q4' },
      { job: 'daily', label: '2026-12-31' },
    ]);
  });

  it('shows the same hand-computed figures in /slastat, the API, the CSV and the CLI', async () => {
    const clock = new VirtualClock('2026-11-23T09:00:00Z');
    const database = await createTestDatabase();
    databases.push(database);
    tg = await startTelegramHub({ clock, database });
    const say = async (chatId: number, from: typeof CUSTOMER, expected: (rows: Awaited<ReturnType<typeof inquiriesOf>>) => boolean) => {
      tg.peer.groupMessage({ chatId, title: `Chat ${-chatId % 10}`, from, text: 'x' });
      await eventually(async () => expected(await inquiriesOf(tg.hub)), clock);
    };
    const [a, b, c] = [-1008100000001, -1008100000002, -1008100000003];
    await say(a, CUSTOMER, (r) => r.length === 1); // 09:00
    await advanceBy(clock, 30 * 60_000);
    await say(a, STAFF_USER, (r) => r[0]?.status === 'answered'); // 30 min: within
    await advanceBy(clock, 30 * 60_000);
    await say(b, CUSTOMER, (r) => r.length === 2); // 10:00
    await advanceBy(clock, 90 * 60_000);
    await say(b, STAFF_USER, (r) => r.filter((i) => i.status === 'answered').length === 2); // 90 min: breach
    await advanceBy(clock, 30 * 60_000);
    await say(c, CUSTOMER, (r) => r.length === 3); // 12:00, still open
    await advanceBy(clock, 10 * 60_000);

    // By hand: 3 inquiries, 2 answered (30 and 90 min), 1 open; 1 breach; 50 % within SLA;
    // FRT average 60, median 60, p90 30 + 0.9 × 60 = 84 (business = calendar: always open).
    const figuresByHand = {
      inquiries: 3,
      answered: 2,
      stillOpen: 1,
      breaches: 1,
      withinSlaPercent: 50,
      firstResponseBusinessMinutes: { average: 60, median: 60, p90: 84 },
      firstResponseCalendarMinutes: { average: 60, median: 60, p90: 84 },
    };
    const linesByHand = ['inquiries 3: answered 2, still open 1', 'within SLA: 50 %; breaches 1', 'first response, business time: average 60 min, median 60 min, p90 84 min'];
    tg.peer.groupMessage({ chatId: DUTY_CHAT, from: STAFF_USER, text: '/slastat' });
    await eventually(() => tg.peer.sentTo(DUTY_CHAT).some((s) => textOf(s.params).startsWith('SLA report')), clock);
    const stat = tg.peer.sentTo(DUTY_CHAT).map((s) => textOf(s.params)).find((t) => t.startsWith('SLA report')) ?? '';
    for (const line of linesByHand) expect(stat).toContain(line);

    const api = (await (await fetch(`${tg.hub.url}/api/v1/reports?period=this-month`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as Record<string, unknown>;
    expect(api).toMatchObject(figuresByHand);

    const csv = await (await fetch(`${tg.hub.url}/api/v1/reports?period=this-month&format=csv`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    const rowsByHand = [
      [String(a), 'false', '30'],
      [String(b), 'true', '90'],
      [String(c), '', ''],
    ];
    expect(csvFigures(csv)).toEqual(rowsByHand);

    // The CLI is another process in production; the embedded database admits one at a time,
    // so the hub stops first and the CLI reads the same database.
    await tg.stopHub();
    const month = ['--from', '2026-11-01', '--to', '2026-11-30', '--timezone', 'UTC'];
    const json = await cli(() => runReport([...month, '--format', 'json']), database);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject(figuresByHand);
    const text = await cli(() => runReport(month), database);
    for (const line of linesByHand) expect(text.out).toContain(line);
    const cliCsv = await cli(() => runReport([...month, '--format', 'csv']), database);
    expect(csvFigures(cliCsv.out)).toEqual(rowsByHand);
  });
});

function csvFigures(csv: string): string[][] {
  const rows: Array<Record<string, string>> = parse(csv, { columns: true, bom: true });
  return rows.map((r) => [r.chat_id ?? '', r.overdue ?? '', r.frt_business_minutes ?? '']);
}

function textOf(params: Record<string, unknown>): string {
  return typeof params.text === 'string' ? params.text : '';
}
