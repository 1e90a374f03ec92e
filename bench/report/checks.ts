import { parse } from 'csv-parse/sync';
import { type Database } from '../../src/core/persistence/database';
import { CSV_COLUMNS } from '../../src/core/reporting/csv-export';
import { type CsvRun, sinkLabel } from './csv';
import { type SlastatFigures } from './slastat';
import { type Check, check } from '../shared/report';

/** The hub writes instants from JS Dates (whole milliseconds); the seed should look like what the hub writes. */
export async function seedChecks(db: Database): Promise<Check[]> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inquiries WHERE opened_at <> date_trunc('milliseconds', opened_at)`);
  const n = Number(row?.n);
  return [check('seeded opened_at in whole milliseconds, as the hub writes them', n === 0, `${n} with sub-millisecond digits`)];
}

export function slastatChecks(figures: SlastatFigures[]): Check[] {
  return figures.map((f) =>
    check(`/slastat ${f.name}: inquiries = count(*) over the range`, f.result.inquiries === f.rows, `${f.result.inquiries} reported, ${f.rows} counted`),
  );
}

/**
 * Rows written equal count(*) for the range, and the head of the file parses back as expected;
 * for the Telegram path both are read from the spooled file (gunzipped), which must also be the
 * CSV's size again.
 */
export function csvChecks(run: CsvRun, expectedRows: number, from: Date, to: Date): Check[] {
  const what = `CSV ${run.name} (${sinkLabel(run)}, ${run.label})`;
  const { upload } = run;
  if (upload?.refused) return [check(`${what}: a file to send`, false, `refused: ${upload.refused}`)];
  const source = upload ? `the ${upload.compressed ? 'gunzipped ' : ''}file has` : `exportCsv returned ${run.rows},`;
  return [
    check(`${what}: rows = count(*) over the range`, run.rows === expectedRows && run.lines - 1 === expectedRows, `${source} ${run.lines - 1} lines after the header, count(*) ${expectedRows}`),
    headCheck(what, run.head, from, to),
    ...(upload ? [check(`${what}: the file reads back to the CSV's size`, upload.readBackBytes === run.bytes, `${upload.readBackBytes} bytes read, csvBytes ${run.bytes}`)] : []),
  ];
}

function headCheck(what: string, head: string, from: Date, to: Date): Check {
  const name = `${what}: first ${head.split('\n').length - 2} records parse with csv-parse, ${CSV_COLUMNS.length} columns, values in range`;
  let records: string[][];
  try {
    records = parse(head, { bom: true, relax_column_count: true });
  } catch (error) {
    return check(name, false, `csv-parse failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [header, ...rows] = records;
  if (header?.join(',') !== CSV_COLUMNS.join(',')) return check(name, false, `header ${header?.join(',')}`);
  const problems: string[] = [];
  let previous = 0;
  let quoted = 0;
  for (const [i, r] of rows.entries()) {
    const [chat, created, replied, overdue, title, , , frt] = r;
    const at = Date.parse(created ?? '');
    const issue =
      r.length !== CSV_COLUMNS.length ? `${r.length} fields`
      : !/^c\d+$/.test(chat ?? '') ? `chat_id ${chat}`
      : !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?(Z|[+-]\d\d:\d\d)$/.test(created ?? '') || at < from.getTime() || at >= to.getTime() ? `created_at ${created}`
      : at < previous ? `created_at ${created} before the previous row`
      : replied !== '' && Date.parse(replied ?? '') < at ? `first_reply_at ${replied}`
      : !['', 'true', 'false'].includes(overdue ?? '') ? `overdue ${overdue}`
      : frt !== '' && !(Number(frt) >= 0 && Number(frt) <= 240) ? `frt_business_minutes ${frt}`
      : null;
    if (issue) problems.push(`record ${i + 1}: ${issue}`);
    if (title?.startsWith('ACME, Inc. "VIP"')) quoted++;
    previous = at;
  }
  const ok = problems.length === 0 && rows.length > 0;
  return check(name, ok, ok ? `${rows.length} records, ${quoted} with a title needing quotes read back intact` : problems.slice(0, 3).join('; ') || 'no records');
}
