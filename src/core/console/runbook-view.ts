import { DateTime } from 'luxon';
import { type LoadedConfig } from '../config/load-config';
import { type Rules } from '../config/rules.schema';
import { type RulesReload, type RulesStore } from '../rules/rules-store';
import { type CalendarConfig } from '../sla/calendar.schema';
import { type Window } from '../sla/calendar-spec';
import { describe as describeFeed } from '../sla/holiday-feeds';
import { formatMinutes } from '../sla/mark-planner';
import { markOffset, type Policy } from '../sla/policy.schema';
import { nextWorkingIntervals } from '../sla/sla-due';
import { safeAddress } from './safe-address';
import { STRINGS } from './strings.en';

const R = STRINGS.runbook;
/** How many working intervals ahead each calendar shows. */
export const NEXT_INTERVALS = 5;

export interface PolicyView {
  name: string;
  match: string[];
  target: string;
  calendar: string;
  marks: string[];
  escalation: string[];
  cooldown: string;
}

/** A working interval in its calendar's zone: instants for machines, local text for people. */
export interface LocalInterval {
  from: number;
  to: number;
  text: string;
}

export interface CalendarView {
  name: string;
  zone: string;
  hours: string[];
  holidays: string[];
  next: LocalInterval[];
}

export interface DutyView {
  name: string;
  connector: string;
  to: string;
}

export interface RunbookModel {
  source: { kind: string; file: string };
  reload: RulesReload | undefined;
  policies: PolicyView[];
  calendars: CalendarView[];
  duty: DutyView[];
  /** Names for the what-if form. */
  names: { policies: string[]; calendars: string[] };
}

/**
 * The rules in force, described for people. Built on each request from one read of the store
 * (`state`) at one instant of the hub clock (`now`), so a reload shows at once.
 */
export function runbookModel(state: Pick<RulesStore['current'], 'rules' | 'sla'>, now: number, origin: Pick<LoadedConfig, 'runbook' | 'rulesSource'>, reload: RulesReload | undefined): RunbookModel {
  const { rules, sla } = state;
  const calendars = Object.entries(rules.calendars).map(([name, config]) => ({
    ...describeCalendar(name, config),
    next: nextWorkingIntervals(sla.calendar(name), now, NEXT_INTERVALS).map((i) => localInterval(i, config.timezone)),
  }));
  return {
    source: { kind: origin.runbook, file: origin.rulesSource.file },
    reload,
    policies: rules.policies.map(describePolicy),
    calendars,
    duty: rules.duty.targets.map((t) => ({ name: t.name, connector: t.connector, to: safeAddress(t.to) })),
    names: namesOf(rules),
  };
}

export function namesOf(rules: Rules): { policies: string[]; calendars: string[] } {
  return { policies: rules.policies.map((p) => p.name), calendars: Object.keys(rules.calendars) };
}

function describePolicy(policy: Policy): PolicyView {
  const match = Object.entries(policy.match).map(([key, value]) => `${R.match[key] ?? key}: ${Array.isArray(value) ? value.join(', ') : String(value)}`);
  return {
    name: policy.name,
    match: match.length > 0 ? match : [R.matchAll],
    target: formatMinutes(policy.target),
    calendar: policy.calendar,
    marks: policy.marks.map((mark) => {
      const offset = formatMinutes(markOffset(policy, mark));
      const when =
        mark.before !== undefined
          ? R.markBefore(formatMinutes(mark.before), offset)
          : mark.at !== undefined && 'percent' in mark.at
            ? R.markAtPercent(mark.at.percent, offset)
            : R.markAt(offset);
      return [`${mark.emoji ? `${mark.emoji} ` : ''}${mark.level} ${when}`, ...actions(mark.actions)].join('; ');
    }),
    escalation: policy.escalation.map((step) => [R.escalationAfter(formatMinutes(step.after)), ...actions(step.actions)].join('; ')),
    cooldown: formatMinutes(policy.cooldowns.escalation),
  };
}

function actions(list: Policy['marks'][number]['actions']): string[] {
  return list.map((action) =>
    'notify' in action ? R.notifies(action.notify.join(', ')) : 'mention' in action ? R.mentions(action.mention) : R.ticket(action.createTicket.target),
  );
}

function describeCalendar(name: string, config: CalendarConfig): Omit<CalendarView, 'next'> {
  const hours =
    config.alwaysOpen || !config.week
      ? [R.alwaysOpen]
      : Object.entries(config.week).map(([days, windows]) => `${days}: ${windows.length > 0 ? windows.map(windowText).join(', ') : R.closed}`);
  const extra = Object.keys(config.extraWorkingDays).length;
  const holidays = [
    ...(config.holidays.dates.length > 0 ? [R.listedDates(config.holidays.dates.length)] : []),
    ...(config.holidays.ics ? [R.icsFeed(describeFeed(config.holidays.ics))] : []),
    ...(extra > 0 ? [R.extraDays(extra)] : []),
  ];
  return { name, zone: config.timezone, hours, holidays: holidays.length > 0 ? holidays : [R.noHolidays] };
}

function windowText(window: Window): string {
  const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return `${hhmm(window.start)}–${hhmm(window.end)}${window.end <= window.start ? ' (+1)' : ''}`;
}

/** `Mon 2026-12-07 09:00 to 18:00` (the end's date only when it differs), or `… onward` when it runs on. */
export function localInterval(interval: { from: number; to: number; open?: boolean }, zone: string): LocalInterval {
  const from = DateTime.fromMillis(interval.from, { zone });
  const to = DateTime.fromMillis(interval.to, { zone });
  const start = from.toFormat('ccc yyyy-LL-dd HH:mm');
  if (interval.open) return { from: interval.from, to: interval.to, text: `${start} ${R.onward}` };
  const end = from.hasSame(to, 'day') ? to.toFormat('HH:mm') : to.toFormat('ccc yyyy-LL-dd HH:mm');
  return { from: interval.from, to: interval.to, text: `${start} ${R.until} ${end}` };
}
