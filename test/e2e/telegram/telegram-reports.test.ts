import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { testBackend } from '../../support/test-database';
import { advanceBy, CUSTOMER, DUTY_CHAT, eventually, inquiriesOf, STAFF_USER, startTelegramHub, type TelegramHub, telegramRules } from '../../support/telegram-harness';

const GROUP = -1008000000001;

describe(`scheduled reports to the duty chat (${testBackend})`, () => {
  let tg: TelegramHub;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'replywatch-exports-'));
  });

  afterEach(async () => {
    expect(tg.peer.violations()).toEqual([]);
    await tg.close();
    rmSync(dir, { recursive: true, force: true });
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
    tg = await startTelegramHub({ clock, rules });
    tg.peer.groupMessage({ chatId: GROUP, title: 'Acme "Labs", Inc.', from: CUSTOMER, text: 'Year-end question' });
    await eventually(async () => (await inquiriesOf(tg.hub)).length === 1, clock);
    await clock.advance(12 * 60_000);
    tg.peer.groupMessage({ chatId: GROUP, from: STAFF_USER, text: 'Answer' });
    await eventually(async () => (await inquiriesOf(tg.hub))[0]?.status === 'answered', clock);

    // Through 1 January 09:30 Berlin: the export at 06:00, digests at 09:00 on both days.
    await advanceBy(clock, Date.parse('2027-01-01T08:30:00Z') - clock.now(), 60 * 60_000);
    await eventually(() => tg.peer.sentTo(DUTY_CHAT).filter((s) => textOf(s.params).startsWith('SLA report')).length === 2, clock);
    await eventually(() => tg.peer.sentTo(DUTY_CHAT).some((s) => s.method === 'sendDocument'), clock);

    const documents = tg.peer.sentTo(DUTY_CHAT).filter((s) => s.method === 'sendDocument');
    expect(documents).toHaveLength(1);
    expect(documents[0]?.file?.filename).toBe('replywatch-2026-Q4.csv');
    const rows: Array<Record<string, string>> = parse(documents[0]!.file!.data.toString('utf8'), { columns: true, bom: true });
    expect(rows).toEqual([
      expect.objectContaining({ chat_id: String(GROUP), created_at: '2026-12-31T07:00:00+01:00', first_reply_at: '2026-12-31T07:12:00+01:00', overdue: 'false', conversation_title: 'Acme "Labs", Inc.' }),
    ]);

    const digests = tg.peer.sentTo(DUTY_CHAT).map((s) => textOf(s.params)).filter((t) => t.startsWith('SLA report'));
    expect(digests[0]).toMatch(/^SLA report, 2026-12-30\ninquiries 0/);
    expect(digests[1]).toMatch(/^SLA report, 2026-12-31\ninquiries 1: answered 1/);

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
});

function textOf(params: Record<string, unknown>): string {
  return typeof params.text === 'string' ? params.text : '';
}
