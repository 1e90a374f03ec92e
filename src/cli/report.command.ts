import { createWriteStream } from 'node:fs';
import { type Clock, SystemClock } from '../core/clock/clock';
import { exportCsv } from '../core/reporting/csv-export';
import { loadConfig } from '../core/config/load-config';
import { isTimeZone } from '../core/sla/calendar.schema';
import { renderReport, reportJson } from '../core/reporting/report-text';
import { reportFilter } from '../core/reporting/report-filter';
import { buildReport } from '../core/reporting/sla-report';
import { parsePeriod, PeriodError } from '../core/reporting/period';
import { REPORT } from './commands';
import { withDatabase } from './open-database';
import { parseCommand } from './parse-command';
import { UsageError } from './usage-error';

/**
 * `replywatch report --from DATE --to DATE | --period NAME [--timezone TZ] [--format text|json|csv]`.
 * The zone is --timezone, else `reports.timezone` of the rules file the hub reads, so the CLI
 * counts the same "last month" as the API, Telegram and the scheduled exports.
 */
export async function runReport(args: string[], env: NodeJS.ProcessEnv = process.env, clock: Clock = new SystemClock()): Promise<number> {
  const { values } = parseCommand(REPORT, args);
  if (!['text', 'json', 'csv'].includes(values.format)) throw new UsageError('--format: expected text, json or csv');
  if (values.timezone !== undefined && !isTimeZone(values.timezone)) throw new UsageError(`--timezone: unknown time zone "${values.timezone}" (expected an IANA zone such as Europe/Moscow or UTC)`);
  const config = loadConfig(env);
  const zone = values.timezone ?? config.rules.reports.timezone;
  const words = values.period ? [values.period] : [values.from, values.to].filter((w): w is string => w !== undefined);
  let period;
  try {
    period = parsePeriod(words, zone, clock.now());
  } catch (error) {
    if (error instanceof PeriodError) throw new UsageError(error.message);
    throw error;
  }
  let filter;
  try {
    filter = reportFilter(values, () => config.rules);
  } catch (error) {
    if (error instanceof PeriodError) throw new UsageError(`--tag: ${error.message}`);
    throw error;
  }
  if (values.format === 'csv') {
    const out = values.output ? createWriteStream(values.output) : process.stdout;
    const write = (chunk: string) => new Promise<void>((resolve, reject) => out.write(chunk, (error) => (error ? reject(error) : resolve())));
    const rows = await withDatabase((db) => exportCsv(db, period, filter, zone, write, { bom: values.bom === true }), env);
    if (values.output) {
      await new Promise<void>((resolve) => out.end(resolve));
      process.stderr.write(`${rows} inquiries written to ${values.output} (times in ${zone})\n`);
    }
    return 0;
  }
  const report = await withDatabase((db) => buildReport(db, period.from, period.to, filter), env);
  process.stdout.write(values.format === 'json' ? `${JSON.stringify(reportJson(period, report), null, 2)}\n` : renderReport(period, report));
  return 0;
}
