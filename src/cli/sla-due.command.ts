import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { loadConfig, loadRules } from '../core/config/load-config';
import { BusinessCalendar } from '../core/sla/business-calendar';
import { toCalendarSpec } from '../core/sla/calendar.schema';
import { UsageError } from './usage-error';

/**
 * `replywatch sla due`: when is a response due if the clock starts at --from? Prints the due
 * instant in the calendar's zone and the working intervals that made it up, so a support lead
 * can check the runbook against cases they know by hand.
 */
export function runSlaDue(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const { values } = parseArgs({
    args,
    options: { calendar: { type: 'string' }, from: { type: 'string' }, minutes: { type: 'string' }, rules: { type: 'string' }, json: { type: 'boolean' } },
  });
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
  const spec = toCalendarSpec(config);
  const calendar = new BusinessCalendar(spec);
  const start = from.toMillis();
  const due = calendar.addBusiness(start, Math.round(minutes * 60_000));
  const local = (ms: number) => DateTime.fromMillis(ms, { zone: spec.timezone }).toISO({ suppressMilliseconds: true }) as string;
  const intervals = calendar.intervalsBetween(start, due).map(([a, b]) => ({ from: local(a), to: local(b), minutes: (b - a) / 60_000 }));

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ calendar: values.calendar, timezone: spec.timezone, from: local(start), minutes, due: local(due), intervals }, null, 2)}\n`);
  } else {
    process.stdout.write(`due: ${local(due)}\n`);
    process.stdout.write(`calendar: ${values.calendar} (${spec.timezone}); clock starts ${local(start)}, ${minutes} business minutes\n`);
    for (const i of intervals) process.stdout.write(`  ${i.from} → ${i.to}  ${i.minutes} min\n`);
  }
  return 0;
}
