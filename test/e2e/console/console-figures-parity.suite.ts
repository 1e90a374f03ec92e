import { parse } from 'csv-parse/sync';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { ADMIN_TOKEN } from '../../support/hub-harness';
import { createSla, customer, staff } from '../../support/sla-harness';
import { DUTY_CHAT, eventually, STAFF_USER, startTelegramHub, type TelegramHub, telegramRules } from '../../support/telegram-harness';
import { createTestDatabase, testBackend, type TestDatabase } from '../../support/test-database';
import { rowCells, signIn, VIEWER_TOKEN } from './console-fixture';

const moscow = (local: string) => Date.parse(`${local}+03:00`);
const MIN = 60_000;
// 02:00 on Tuesday 1 December in Moscow: November is over there, and business hours (03:00–23:00
// on weekdays in the seed calendar) have not begun, so the inquiry still waiting is not yet past
// its deadline and no mark fires while the views are read.
const NOW = moscow('2026-12-01T02:00:00');

/** Opened at a Moscow time and answered so many minutes later (calendar time; business time depends on the seed calendar). */
const ANSWERED: Array<[string, string, number]> = [
  ['sunday-night', '2026-11-01T01:30:00', 25 * 60 + 50], // still 31 October in UTC; Sunday's 10:00–19:00 counts: a breach
  ['monday', '2026-11-02T12:00:00', 30],
  ['tuesday-late', '2026-11-03T12:00:00', 90], // breach
  ['thursday', '2026-11-05T10:00:00', 10],
  ['tenth', '2026-11-10T14:00:00', 200], // breach
  ['october', '2026-10-30T12:00:00', 15], // the month before: in no view
];

interface Figures {
  inquiries: number;
  answered: number;
  stillOpen: number;
  breaches: number;
  withinSla: string;
  frt: string[];
}

/**
 * The check: for one period (last month, in reports.timezone Europe/Moscow), the
 * console's figures page shows the numbers of GET /api/v1/reports, of the CSV rows and of
 * /slastat: counts, % within SLA, and business-time first response (average, median, p90).
 */
describe(`the figures page agrees with the API, the CSV and /slastat (${testBackend})`, () => {
  const clock = new VirtualClock(NOW);
  let database: TestDatabase;
  let tg: TelegramHub;

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = await database.open();
    const { intake } = createSla(db, new VirtualClock(NOW));
    for (const [conversation, opened, minutes] of ANSWERED) {
      await intake.accept('http', customer(conversation, moscow(opened), `${conversation}-q`));
      await intake.accept('http', staff(conversation, moscow(opened) + minutes * MIN, `${conversation}-a`));
    }
    await intake.accept('http', customer('waiting', moscow('2026-11-30T22:30:00'), 'waiting-q'));
    await db.close();
    tg = await startTelegramHub({
      clock,
      database,
      rules: telegramRules({ reports: { timezone: 'Europe/Moscow' } }),
      hub: { console: { liveRecheck: '5m', viewers: [{ name: 'maria', token: VIEWER_TOKEN }] } },
    });
  });

  afterAll(async () => {
    await tg?.close();
    await database?.drop();
  });

  it('shows last month with the same counts, % within SLA and first-response times in every view', async () => {
    const hub = tg.hub;
    const viewer = await signIn(hub, VIEWER_TOKEN);
    const page = await (await fetch(`${hub.url}/figures?period=last-month`, { headers: { cookie: viewer.cookie } })).text();
    const cell = (attribute: string, i = 1) => rowCells(page, attribute)[i] ?? '';
    const onPage: Figures = {
      inquiries: Number(cell('data-figure="inquiries"')),
      answered: Number(cell('data-figure="answered"')),
      stillOpen: Number(cell('data-figure="still-open"')),
      breaches: Number(cell('data-figure="breaches"')),
      withinSla: cell('data-figure="within-sla"'),
      frt: [1, 2, 3].map((i) => cell('data-frt="business"', i)),
    };

    const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const json = (await (await fetch(`${hub.url}/api/v1/reports?period=last-month`, { headers })).json()) as {
      period: string;
      inquiries: number;
      answered: number;
      stillOpen: number;
      breaches: number;
      withinSlaPercent: number;
      firstResponseBusinessMinutes: { average: number; median: number; p90: number };
    };
    const b = json.firstResponseBusinessMinutes;
    const fromApi: Figures = {
      inquiries: json.inquiries,
      answered: json.answered,
      stillOpen: json.stillOpen,
      breaches: json.breaches,
      withinSla: `${json.withinSlaPercent} %`,
      frt: [b.average, b.median, b.p90].map((m) => `${m} min`),
    };

    const csv = await (await fetch(`${hub.url}/figures/csv?period=last-month`, { headers: { cookie: viewer.cookie } })).text();
    expect(csv).toBe(await (await fetch(`${hub.url}/api/v1/reports?period=last-month&format=csv`, { headers })).text());
    const fromCsv = csvFigures(csv);

    tg.peer.groupMessage({ chatId: DUTY_CHAT, from: STAFF_USER, text: '/slastat last-month' });
    await eventually(() => slastat() !== undefined, clock);
    const fromSlastat = slastatFigures(slastat() ?? '');

    // Worked out by hand: five answered in November (Moscow) and one waiting; three past the
    // deadline; business minutes 10, 30, 90, 200 and 560 (540 of Sunday's hours and 20 of Monday's).
    expect(onPage).toEqual({ inquiries: 6, answered: 5, stillOpen: 1, breaches: 3, withinSla: '40 %', frt: ['178 min', '90 min', '416 min'] });
    expect(page).toContain('<strong>November 2026 (Europe/Moscow)</strong>');
    expect(json.period).toBe('November 2026');
    expect({ api: fromApi, csv: fromCsv, slastat: fromSlastat }).toEqual({ api: onPage, csv: onPage, slastat: onPage });
    // The charts' tables add up to the same report.
    const ys = (id: string) => [...(new RegExp(`<table class="queue" id="${id}">([\\s\\S]*?)</table>`).exec(page)?.[1] ?? '').matchAll(/data-y="(\d+)"/g)].map((m) => Number(m[1]));
    expect(ys('table-breaches')).toHaveLength(30);
    expect(ys('table-breaches').reduce((a, n) => a + n, 0)).toBe(onPage.breaches);
    expect(ys('table-frt-histogram').reduce((a, n) => a + n, 0)).toBe(onPage.answered);
  });

  function slastat(): string | undefined {
    return tg.peer
      .sentTo(DUTY_CHAT)
      .map((s) => (typeof s.params.text === 'string' ? s.params.text : ''))
      .find((t) => t.startsWith('SLA report'));
  }
});

/** The figures recomputed from the CSV's rows: percentiles interpolated as the database does (percentile_cont). */
function csvFigures(csv: string): Figures {
  const rows: Array<Record<string, string>> = parse(csv, { columns: true, bom: true });
  const answered = rows.filter((r) => r.first_reply_at !== '');
  const frt = answered.map((r) => Number(r.frt_business_minutes)).sort((x, y) => x - y);
  const within = answered.filter((r) => r.policy !== '' && r.overdue === 'false').length;
  const withPolicy = answered.filter((r) => r.policy !== '').length;
  const tenth = (v: number) => Math.round(v * 10) / 10;
  const quantile = (q: number) => {
    const at = (frt.length - 1) * q;
    const low = frt[Math.floor(at)] ?? 0;
    const high = frt[Math.ceil(at)] ?? 0;
    return tenth(low + (high - low) * (at - Math.floor(at)));
  };
  return {
    inquiries: rows.length,
    answered: answered.length,
    stillOpen: rows.length - answered.length,
    breaches: rows.filter((r) => r.overdue === 'true').length,
    withinSla: `${tenth((100 * within) / withPolicy)} %`,
    frt: [tenth(frt.reduce((a, n) => a + n, 0) / frt.length), quantile(0.5), quantile(0.9)].map((m) => `${m} min`),
  };
}

/** The same figures read from /slastat's lines. */
function slastatFigures(text: string): Figures {
  const counts = /inquiries (\d+): answered (\d+), still open (\d+)/.exec(text);
  const sla = /within SLA: ([\d.]+ %); breaches (\d+)/.exec(text);
  const frt = /first response, business time: average ([\d.]+ min), median ([\d.]+ min), p90 ([\d.]+ min)/.exec(text);
  return {
    inquiries: Number(counts?.[1]),
    answered: Number(counts?.[2]),
    stillOpen: Number(counts?.[3]),
    breaches: Number(sla?.[2]),
    withinSla: sla?.[1] ?? '',
    frt: [frt?.[1] ?? '', frt?.[2] ?? '', frt?.[3] ?? ''],
  };
}
