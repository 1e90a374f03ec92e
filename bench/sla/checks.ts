import { type Database } from '../../src/core/persistence/database';
import { type Agreement, type CalendarFigures } from './business-time';
import { type FiringFigures } from './firing';
import { type Schedule } from './seed';
import { type Check, check } from '../shared/report';

/** The naive and interval implementations must give the same instants and durations. */
export function calendarChecks(figures: CalendarFigures[]): Check[] {
  const agrees = (calendar: string, op: string, a: Agreement) =>
    check(
      `${calendar}: ${op} equals the naive minute-stepping result`,
      a.mismatches === 0,
      a.mismatches === 0 ? `${a.samples} samples` : `${a.mismatches} of ${a.samples} differ, e.g. ${a.examples.join('; ')}`,
    );
  return figures.flatMap((f) => [agrees(f.name, 'addBusiness', f.agreeAddBusiness), agrees(f.name, 'businessBetween', f.agreeBusinessBetween)]);
}

/** What the scheduler reported while running: every expected mark once, nothing else. */
export function firingChecks(phase: string, f: FiringFigures): Check[] {
  return [
    check(`${phase}: every expected mark fired`, f.fired === f.expected, `${f.fired} of ${f.expected}`),
    check(`${phase}: no mark reported fired twice`, f.duplicates === 0, `${f.duplicates} repeats`),
    check(`${phase}: no unexpected mark fired`, f.unexpected === 0, `${f.unexpected} unexpected`),
  ];
}

/**
 * What the database says after both runs: exactly one `mark` event and one mark delivery per
 * rescheduled inquiry (the steady window's and the restart's), none for the others, no digest
 * (the storm guard stayed out of the way), and every fired inquiry now waiting for its second
 * mark while the rest of the week's inquiries are untouched.
 */
export async function databaseChecks(db: Database, steady: Schedule, restart: Schedule, inquiries: number, secondMarkAfterMs: number, schedulerErrors: string[]): Promise<Check[]> {
  const expected = new Map([...steady, ...restart]);
  const events = await db.query<{ inquiry_id: string; n: number }>(`SELECT inquiry_id, count(*)::int AS n FROM inquiry_events WHERE type = 'mark' GROUP BY inquiry_id`);
  const deliveries = await db.query<{ inquiry_id: string; n: number }>(
    `SELECT inquiry_id, count(*)::int AS n FROM deliveries WHERE kind = 'notify' AND payload->>'event' = 'sla.mark' GROUP BY inquiry_id`,
  );
  const [keys] = await db.query<{ total: number; distinct: number }>(
    `SELECT count(*)::int AS total, count(DISTINCT idempotency_key)::int AS distinct FROM deliveries WHERE kind = 'notify'`,
  );
  const [digests] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE kind = 'digest'`);
  const moved = await db.query<{ id: string; next_mark: number; next_attention_at: Date | null }>(
    `SELECT id, next_mark, next_attention_at FROM inquiries WHERE next_mark <> 0 OR next_attention_at IS NULL`,
  );
  const [untouched] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inquiries WHERE status = 'open' AND next_mark = 0 AND next_attention_at IS NOT NULL`);

  const perInquiry = (rows: Array<{ inquiry_id: string; n: number }>) => {
    const twice = rows.filter((r) => Number(r.n) > 1).length;
    const stray = rows.filter((r) => !expected.has(r.inquiry_id)).length;
    const missing = expected.size - rows.filter((r) => expected.has(r.inquiry_id)).length;
    const total = rows.reduce((sum, r) => sum + Number(r.n), 0);
    return { twice, stray, missing, total, ok: twice === 0 && stray === 0 && missing === 0 };
  };
  const ev = perInquiry(events);
  const dl = perInquiry(deliveries);
  const wrongNext = moved.filter((r) => {
    const first = expected.get(r.id);
    return first === undefined || Number(r.next_mark) !== 1 || r.next_attention_at === null || new Date(r.next_attention_at).getTime() !== first + secondMarkAfterMs;
  }).length;
  const describe = (c: ReturnType<typeof perInquiry>) => `${c.total} for ${expected.size} inquiries; ${c.twice} with more than one, ${c.missing} missing, ${c.stray} for other inquiries`;
  return [
    check('one mark event per fired inquiry, none elsewhere', ev.ok, describe(ev)),
    check('one mark delivery per fired inquiry, none elsewhere', dl.ok, describe(dl)),
    check('no idempotency key twice in deliveries', Number(keys?.total) === Number(keys?.distinct), `${keys?.total} deliveries, ${keys?.distinct} keys`),
    check('no storm digest (every mark delivered on its own)', Number(digests?.n) === 0, `${digests?.n} digests`),
    check(
      'fired inquiries wait for their second mark, the rest of the week is untouched',
      wrongNext === 0 && moved.length === expected.size && Number(untouched?.n) === inquiries - expected.size,
      `${moved.length} moved (${wrongNext} wrong), ${untouched?.n} untouched of ${inquiries - expected.size}`,
    ),
    check('no SLA pass failed', schedulerErrors.length === 0, schedulerErrors.length === 0 ? 'no errors logged' : `${schedulerErrors.length}, first: ${schedulerErrors[0]}`),
  ];
}
