import { createWriteStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Clock, SystemClock } from '../core/clock/clock';
import { loadConfig } from '../core/config/load-config';
import { exportCsv } from '../core/reporting/csv-export';
import { isTimeZone } from '../core/sla/calendar.schema';
import { renderReport, reportJson } from '../core/reporting/report-text';
import { reportFilter } from '../core/reporting/report-filter';
import { buildReport, type SlaReport } from '../core/reporting/sla-report';
import { parsePeriod, PeriodError } from '../core/reporting/period';
import { REPORT } from './commands';
import { CsvRecordCounter } from './csv-record-counter';
import { type HubClient } from './hub-client';
import { parseCommand, type ParsedCommand } from './parse-command';
import { readThrough } from './read-through';
import { UsageError } from './usage-error';

type Values = ParsedCommand<typeof REPORT.options>['values'];
type Period = ReturnType<typeof parsePeriod>;

/**
 * `replywatch report --from DATE --to DATE | --period NAME [--timezone TZ] [--format text|json|csv]`.
 * The zone is --timezone, else `reports.timezone` of the rules file the hub reads, so the CLI
 * counts the same "last month" as the API, Telegram and the scheduled exports. The hub is
 * asked in that zone too, so both ways print the same.
 */
export async function runReport(args: string[], env: NodeJS.ProcessEnv = process.env, clock: Clock = new SystemClock()): Promise<number> {
  const { values } = parseCommand(REPORT, args);
  if (!['text', 'json', 'csv'].includes(values.format)) throw new UsageError('--format: expected text, json or csv');
  if (values.timezone !== undefined && !isTimeZone(values.timezone)) throw new UsageError(`--timezone: unknown time zone "${values.timezone}" (expected an IANA zone such as Europe/Moscow or UTC)`);
  const zone = values.timezone ?? loadConfig(env).rules.reports.timezone;
  const words = values.period ? [values.period] : [values.from, values.to].filter((w): w is string => w !== undefined);
  let period: Period;
  try {
    period = parsePeriod(words, zone, clock.now());
  } catch (error) {
    if (error instanceof PeriodError) throw new UsageError(error.message);
    throw error;
  }
  if (values.format === 'csv') return csv(values, period, env);
  const figures = await readThrough<SlaReport>(
    {
      command: 'report',
      url: values.url,
      viaHub: async (hub) => figuresOf(await hub.json<ReturnType<typeof reportJson>>(`/api/v1/reports?${query(values, zone, 'json')}`)),
      viaDatabase: (db, config) => buildReport(db, period.from, period.to, filterOf(values, () => config.rules)),
    },
    env,
  );
  process.stdout.write(values.format === 'json' ? `${JSON.stringify(reportJson(period, figures), null, 2)}\n` : renderReport(period, figures));
  return 0;
}

/** The API's report without its period heading, which the CLI states from its own period. */
function figuresOf(answer: ReturnType<typeof reportJson> | undefined): SlaReport {
  if (!answer) throw new Error('the hub sent no report');
  const { period: _label, timezone: _zone, ...figures } = answer;
  return figures;
}

/** One CSV row per inquiry, to standard output or --output, from the hub's stream or the database. */
async function csv(values: Values, period: Period, env: NodeJS.ProcessEnv): Promise<number> {
  const out = values.output ? createWriteStream(values.output) : process.stdout;
  const write = (chunk: string) => new Promise<void>((resolve, reject) => out.write(chunk, (error) => (error ? reject(error) : resolve())));
  const rows = await readThrough<number>(
    {
      command: 'report',
      url: values.url,
      viaHub: (hub) => csvFromHub(hub, values, period.timezone, write),
      viaDatabase: (db, config) => exportCsv(db, period, filterOf(values, () => config.rules), period.timezone, write, { bom: values.bom === true }),
    },
    env,
  );
  if (values.output) {
    await new Promise<void>((resolve) => out.end(resolve));
    process.stderr.write(`${rows} inquiries written to ${values.output} (times in ${period.timezone})\n`);
  }
  return 0;
}

/** The hub's CSV as it streams in, passed on chunk by chunk; counts the records for the summary line. */
async function csvFromHub(hub: HubClient, values: Values, zone: string, write: (chunk: string) => Promise<void>): Promise<number> {
  const body = await hub.stream(`/api/v1/reports?${query(values, zone, 'csv')}`);
  const counter = new CsvRecordCounter();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = decoder.decode(chunk, { stream: true });
      counter.add(text);
      write(text).then(() => done(), done);
    },
    final(done) {
      const rest = decoder.decode();
      counter.add(rest);
      write(rest).then(() => done(), done);
    },
  });
  await pipeline(Readable.fromWeb(body), sink);
  // The header is a record too.
  return Math.max(0, counter.records - 1);
}

/** The filters as the database path needs them; an unknown tag is the user's to fix. */
function filterOf(values: Values, rules: Parameters<typeof reportFilter>[1]) {
  try {
    return reportFilter(values, rules);
  } catch (error) {
    if (error instanceof PeriodError) throw new UsageError(`--tag: ${error.message}`);
    throw error;
  }
}

/** The same question for the admin API: the period's words, time zone and filters. */
function query(values: Values, zone: string, format: 'json' | 'csv'): string {
  const words: Record<string, string | undefined> = {
    period: values.period,
    from: values.period ? undefined : values.from,
    to: values.period ? undefined : values.to,
    timezone: zone,
    format,
    channel: values.channel,
    policy: values.policy,
    conversation: values.conversation,
    tag: values.tag,
    bom: format === 'csv' && values.bom ? '1' : undefined,
  };
  return new URLSearchParams(Object.entries(words).filter((entry): entry is [string, string] => entry[1] !== undefined)).toString();
}
