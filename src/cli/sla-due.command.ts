import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DateTime } from 'luxon';
import { loadConfig, loadRules } from '../core/config/load-config';
import { BusinessCalendar } from '../core/sla/business-calendar';
import { type IcsSource, toCalendarSpec } from '../core/sla/calendar.schema';
import { describe } from '../core/sla/holiday-feeds';
import { type Holidays, parseIcsHolidays } from '../core/sla/ics-holidays';
import { slaDue } from '../core/sla/sla-due';
import { SLA_DUE } from './commands';
import { parseCommand } from './parse-command';
import { UsageError } from './usage-error';

/**
 * `replywatch sla due`: when is a response due if the clock starts at --from? Prints the due
 * instant in the calendar's zone and the working intervals that made it up, so a support lead
 * can check the runbook against cases they know by hand.
 */
export async function runSlaDue(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values } = parseCommand(SLA_DUE, args);
  if (!values.calendar || !values.from || values.minutes === undefined) {
    throw new UsageError('sla due needs --calendar NAME --from ISO-INSTANT --minutes N');
  }
  const from = DateTime.fromISO(values.from, { setZone: true });
  if (!from.isValid || !/(Z|[+-]\d{2}:?\d{2})$/.test(values.from)) throw new UsageError('--from: expected an ISO 8601 instant with offset, e.g. 2026-11-02T22:30:00+03:00');
  const minutes = Number(values.minutes);
  if (!Number.isFinite(minutes) || minutes < 0 || minutes > 525_600) throw new UsageError('--minutes: expected a number from 0 to 525600');

  const rules = values.rules ? loadRules(values.rules, env).rules : loadConfig(env).rules;
  const config = rules.calendars[values.calendar];
  if (!config) {
    const known = Object.keys(rules.calendars).join(', ') || 'none';
    throw new UsageError(`no calendar "${values.calendar}" in the rules (calendars: ${known})`);
  }
  const feed = config.holidays.ics ? await loadFeedOnce(config.holidays.ics, from.toMillis()) : undefined;
  const spec = toCalendarSpec(config, feed ?? {});
  const calendar = new BusinessCalendar(spec);
  const { start, due, intervals: worked } = slaDue(calendar, from.toMillis(), Math.round(minutes * 60_000));
  const local = (ms: number) => DateTime.fromMillis(ms, { zone: spec.timezone }).toISO({ suppressMilliseconds: true }) as string;
  const intervals = worked.map(([a, b]) => ({ from: local(a), to: local(b), minutes: (b - a) / 60_000 }));

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ calendar: values.calendar, timezone: spec.timezone, from: local(start), minutes, due: local(due), intervals }, null, 2)}\n`);
  } else {
    process.stdout.write(`due: ${local(due)}\n`);
    process.stdout.write(`calendar: ${values.calendar} (${spec.timezone}); clock starts ${local(start)}, ${minutes} business minutes\n`);
    for (const i of intervals) process.stdout.write(`  ${i.from} → ${i.to}  ${i.minutes} min\n`);
  }
  return 0;
}

/** The calendar's ICS holidays, read once; a failure is reported and the listed dates still apply. */
async function loadFeedOnce(source: IcsSource, around: number): Promise<Holidays | undefined> {
  try {
    const text = source.file
      ? await readFile(path.resolve(source.file), 'utf8')
      : await (await fetchOk(source.url as string)).text();
    return parseIcsHolidays(text, { from: new Date(around - 365 * 86_400_000), to: new Date(around + 3 * 365 * 86_400_000) });
  } catch (error) {
    process.stderr.write(`warning: holidays from ${describe(source)} not loaded (${error instanceof Error ? error.message : String(error)}); only listed dates apply\n`);
    return undefined;
  }
}

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response;
}
