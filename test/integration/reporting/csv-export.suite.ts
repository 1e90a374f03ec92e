import { parse } from 'csv-parse/sync';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { CSV_COLUMNS, exportCsv } from '../../../src/core/reporting/csv-export';
import { csvStream } from '../../../src/core/reporting/csv-stream';
import { createSla, customer, staff } from '../../support/sla-harness';
import { testBackend, useTestDatabase } from '../../support/test-database';

describe(`CSV export (${testBackend})`, () => {
  const context = useTestDatabase();

  async function exportAll(options: { bom?: boolean } = {}): Promise<string> {
    let out = '';
    await exportCsv(
      context.db,
      { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') },
      {},
      'Europe/Moscow',
      (chunk) => {
        out += chunk;
      },
      options,
    );
    return out;
  }

  it('writes the seed columns and more, parseable back by a CSV library, with offsets and tricky titles', async () => {
    const { intake } = createSla(context.db, new VirtualClock('2026-11-06T00:00:00Z'));
    const tricky = { ...customer('-100500', '2026-11-02T09:00:00Z', 'm1'), conversation: { id: '-100500', title: 'ООО "Ромашка", support\nline 2' } };
    await intake.accept('telegram', tricky);
    await intake.accept('telegram', { ...staff('-100500', '2026-11-02T10:15:00Z', 'm2'), author: { id: '7', name: 'Анна', role: 'staff' as const } });
    await intake.accept('http', customer('acme', '2026-11-03T09:00:00Z', 'x1'));

    const records = parse<Record<string, string>>(await exportAll(), { columns: true });
    expect(Object.keys(records[0]!)).toEqual([...CSV_COLUMNS]);
    expect(records).toEqual([
      {
        chat_id: '-100500',
        created_at: '2026-11-02T12:00:00+03:00',
        first_reply_at: '2026-11-02T13:15:00+03:00',
        overdue: 'true',
        conversation_title: 'ООО "Ромашка", support\nline 2',
        channel: 'telegram',
        policy: 'default',
        frt_business_minutes: '75',
        responder: 'Анна',
        tickets: '',
      },
      { chat_id: 'acme', created_at: '2026-11-03T12:00:00+03:00', first_reply_at: '', overdue: '', conversation_title: 'Chat acme', channel: 'http', policy: 'default', frt_business_minutes: '', responder: '', tickets: '' },
    ]);
  });

  it('neutralises cells a spreadsheet would run as a formula, keeping negative chat ids numbers', async () => {
    const { intake } = createSla(context.db, new VirtualClock('2026-11-06T00:00:00Z'));
    const titles = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", '@SUM(1+1)', '-2+3', '\tTAB', '\rCR'];
    for (const [i, title] of titles.entries()) {
      await intake.accept('http', { ...customer(`c${i}`, Date.parse('2026-11-02T09:00:00Z') + i * 60_000, `m${i}`), conversation: { id: `c${i}`, title } });
    }
    await intake.accept('http', { ...customer('=1+1', '2026-11-02T10:00:00Z', 'f1'), conversation: { id: '=1+1', title: 'formula id' } });
    await intake.accept('telegram', { ...customer('-1001234567890', '2026-11-02T11:00:00Z', 'g1'), conversation: { id: '-1001234567890', title: 'Group' } });
    await intake.accept('telegram', { ...staff('-1001234567890', '2026-11-02T11:05:00Z', 'g2'), author: { id: '9', name: '=cmd()', role: 'staff' as const } });

    const csv = await exportAll();
    const records = parse<Record<string, string>>(csv, { columns: true });
    expect(records.slice(0, titles.length).map((r) => r.conversation_title)).toEqual(titles.map((t) => `'${t}`));
    expect(records.find((r) => r.conversation_title === 'formula id')?.chat_id).toBe("'=1+1");
    const group = records.find((r) => r.conversation_title === 'Group');
    expect(group).toMatchObject({ chat_id: '-1001234567890', responder: "'=cmd()", frt_business_minutes: '5' });
    // No cell of the raw file starts a formula.
    const cells = csv.split('\r\n').flatMap((line) => line.split(','));
    expect(cells.filter((cell) => /^["]?[=+@]/.test(cell))).toEqual([]);
  });

  it('starts with a BOM for spreadsheet users when asked, and pages through many rows', async () => {
    const { intake } = createSla(context.db, new VirtualClock('2026-11-20T00:00:00Z'));
    for (let i = 0; i < 2100; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, k) => intake.accept('http', customer(`c${i + k}`, Date.parse('2026-11-02T09:00:00Z') + (i + k) * 1000, `m${i + k}`))));
    }
    const csv = await exportAll({ bom: true });
    expect(csv.startsWith('\uFEFFchat_id,')).toBe(true);
    const records = parse<Record<string, string>>(csv, { columns: true, bom: true });
    expect(records).toHaveLength(2100);
    expect(new Set(records.map((r) => r.chat_id)).size).toBe(2100);

    // Imported or SQL-written rows can carry microseconds; a page boundary must not repeat them.
    await context.db.query(`UPDATE inquiries SET opened_at = opened_at + interval '1 microsecond' * 123`);
    const again = parse<Record<string, string>>(await exportAll({ bom: true }), { columns: true, bom: true });
    expect(again).toHaveLength(2100);
  });

  it('streams the same bytes for uploads, and stops when the reader goes away', async () => {
    const { intake } = createSla(context.db, new VirtualClock('2026-11-20T00:00:00Z'));
    for (let i = 0; i < 2500; i += 250) {
      await Promise.all(Array.from({ length: 250 }, (_, k) => intake.accept('http', customer(`s${i + k}`, Date.parse('2026-11-03T09:00:00Z') + (i + k) * 1000, `n${i + k}`))));
    }
    const range = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') };
    const chunks: Buffer[] = [];
    for await (const chunk of csvStream(context.db, range, {}, 'Europe/Moscow', { bom: true })) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(await exportAll({ bom: true }));

    // A reader that gives up after the first chunk: the export must end, not hang on 'drain'.
    const stream = csvStream(context.db, range, {}, 'UTC');
    await new Promise<void>((resolve) => stream.once('data', () => resolve()));
    stream.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stream.destroyed).toBe(true);
    // The database is free for other work (PGlite serializes everything).
    expect((await context.db.query('SELECT 1 AS one'))[0]).toEqual({ one: 1 });
  });
});
