import { createWriteStream } from 'node:fs';
import { exportCsv } from '../core/reporting/csv-export';
import { loadConfig } from '../core/config/load-config';
import { isTimeZone } from '../core/sla/calendar.schema';
import { renderReport } from '../core/reporting/report-text';
import { reportFilter } from '../core/reporting/report-filter';
import { buildReport } from '../core/reporting/sla-report';
import { parsePeriod, PeriodError } from '../core/reporting/period';
import { REPORT } from './commands';
import { withDatabase } from './open-database';
import { parseCommand } from './parse-command';
import { UsageError } from './usage-error';

/** `replywatch report --from DATE --to DATE | --period NAME [--timezone TZ] [--format text|json]` */
export async function runReport(args: string[]): Promise<number> {
  const { values } = parseCommand(REPORT, args);
  if (!['text', 'json', 'csv'].includes(values.format)) throw new UsageError('--format: expected text, json or csv');
  const words = values.period ? [values.period] : [values.from, values.to].filter((w): w is string => w !== undefined);
  let period;
  try {
    if (!isTimeZone(values.timezone)) throw new PeriodError(`unknown time zone "${values.timezone}"`);
    period = parsePeriod(words, values.timezone, Date.now());
  } catch (error) {
    if (error instanceof PeriodError) throw new UsageError(error.message);
    throw error;
  }
  let filter;
  try {
    filter = reportFilter(values, () => loadConfig().rules);
  } catch (error) {
    if (error instanceof PeriodError) throw new UsageError(`--tag: ${error.message}`);
    throw error;
  }
  if (values.format === 'csv') {
    const out = values.output ? createWriteStream(values.output) : process.stdout;
    const write = (chunk: string) => new Promise<void>((resolve, reject) => out.write(chunk, (error) => (error ? reject(error) : resolve())));
    const rows = await withDatabase((db) => exportCsv(db, period, filter, values.timezone, write, { bom: values.bom === true }));
    if (values.output) {
      await new Promise<void>((resolve) => out.end(resolve));
      process.stderr.write(`${rows} inquiries written to ${values.output}\n`);
    }
    return 0;
  }
  const report = await withDatabase((db) => buildReport(db, period.from, period.to, filter));
  process.stdout.write(values.format === 'json' ? `${JSON.stringify({ period: period.label, ...report }, null, 2)}\n` : renderReport(period.label, report));
  return 0;
}
