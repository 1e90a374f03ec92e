import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import { type Database } from '../persistence/database';
import { type ReportFilter } from './sla-report';

/** The seed's columns first (chat_id, created_at, first_reply_at, overdue), then the rest. */
export const CSV_COLUMNS = ['chat_id', 'created_at', 'first_reply_at', 'overdue', 'conversation_title', 'channel', 'policy', 'frt_business_minutes', 'responder', 'tickets'] as const;

const PAGE = 2000;

interface Row {
  id: string;
  opened_at: Date;
  /** opened_at as the database prints it, microseconds included, for the page cursor. */
  opened_key: string;
  answered_at: Date | null;
  breached: boolean | null;
  external_id: string;
  title: string | null;
  channel: string;
  policy: string | null;
  frt_business_ms: number | null;
  responder: string | null;
  /** Keys (or ids) of the helpdesk tickets the inquiry is linked to, space-separated. */
  tickets: string | null;
}

/**
 * Writes the inquiries opened in [from, to) as CSV (RFC 4180, CRLF, UTF-8, optional BOM for
 * spreadsheets), page by page in opened order, so memory stays flat however long the period.
 * Timestamps are ISO 8601 with the offset of `zone`.
 */
export async function exportCsv(
  db: Database,
  range: { from: Date; to: Date },
  filter: ReportFilter,
  zone: string,
  write: (chunk: string) => Promise<void> | void,
  options: { bom?: boolean } = {},
): Promise<number> {
  await write(`${options.bom ? '\uFEFF' : ''}${toCsv([[...CSV_COLUMNS]])}`);
  let rows = 0;
  // The cursor keeps the database's own text of the timestamp: a JS Date would drop
  // microseconds and repeat rows at page boundaries.
  let after: { at: string; id: string } = { at: '1970-01-01T00:00:00Z', id: '00000000-0000-0000-0000-000000000000' };
  for (;;) {
    const page = await db.query<Row>(
      `SELECT i.id, i.opened_at, i.opened_at::text AS opened_key, i.answered_at, i.breached, c.external_id, c.title, c.channel, i.policy, i.frt_business_ms,
         COALESCE(i.responder_name, i.responder_id) AS responder,
         (SELECT string_agg(COALESCE(l.ticket_key, l.ticket_id), ' ' ORDER BY l.created_at, l.target) FROM ticket_link_inquiries t JOIN ticket_links l ON l.id = t.link_id
           WHERE t.inquiry_id = i.id AND l.ticket_id IS NOT NULL) AS tickets
       FROM inquiries i JOIN conversations c ON c.id = i.conversation_id
       WHERE i.opened_at >= $1 AND i.opened_at < $2 AND (i.opened_at, i.id) > ($3::timestamptz, $4::uuid)
         AND ($5::text IS NULL OR c.channel = $5) AND ($6::text IS NULL OR i.policy = $6) AND ($7::text IS NULL OR c.external_id = $7)
         AND ($9::text[] IS NULL OR c.external_id = ANY($9::text[]))
       ORDER BY i.opened_at, i.id LIMIT $8`,
      [range.from, range.to, after.at, after.id, filter.channel ?? null, filter.policy ?? null, filter.conversation ?? null, PAGE, filter.conversations ?? null],
    );
    if (page.length === 0) return rows;
    await write(toCsv(page.map((row) => record(row, zone))));
    rows += page.length;
    const last = page[page.length - 1] as Row;
    after = { at: last.opened_key, id: last.id };
    if (page.length < PAGE) return rows;
  }
}

type Cell = string | number | bigint;

/**
 * A page of records as CSV: RFC 4180 quoting, CRLF, and every cell that a spreadsheet would
 * run as a formula (starting with = + - @ tab or CR) neutralised with a leading quote — titles,
 * chat ids and names come from customers (OWASP: CSV injection). Numbers are written as
 * numbers, so a negative chat id stays a number.
 */
function toCsv(records: Cell[][]): string {
  return stringify(records, { escape_formulas: true, record_delimiter: 'windows' });
}

function record(row: Row, zone: string): Cell[] {
  const at = (d: Date | null) => (d === null ? '' : (DateTime.fromJSDate(new Date(d), { zone }).toISO({ suppressMilliseconds: true }) ?? ''));
  return [
    /^-?\d{1,30}$/.test(row.external_id) ? BigInt(row.external_id) : row.external_id,
    at(row.opened_at),
    at(row.answered_at),
    row.breached === null ? '' : String(row.breached),
    row.title ?? '',
    row.channel,
    row.policy ?? '',
    row.frt_business_ms === null ? '' : Math.round((Number(row.frt_business_ms) / 60_000) * 10) / 10,
    row.responder ?? '',
    row.tickets ?? '',
  ];
}
