import { type z } from 'zod';
import { markOffset } from '../sla/policy.schema';
import { type Rules, type rulesSchema } from './rules.schema';

/**
 * Runbooks the hub carries with it, written as a rules file would be: they go through the
 * same schema as config/rules.yaml, so they can never hold anything a file could not.
 *
 * - `built-in`: when no rules file exists, so a first inquiry already has an SLA: round the
 *   clock, first response within 60 minutes, ⚡ 15 min left, ❗ 5 min left, ⚠️ SLA MISS, all to
 *   the log output.
 * - `demo`: `replywatch start --demo`, a 3-minute target, so a tryout sees a warning in the
 *   hub's own output within a minute.
 */
export type RunbookKind = 'built-in' | 'demo';

/** Where the rules in force came from: a file, or one of the runbooks above. */
export type RunbookOrigin = 'file' | RunbookKind;

type RulesInput = z.input<typeof rulesSchema>;

/** The log output: an enabled outbound connector in the built-in hub defaults and hub.example.yaml. */
const LOG_TARGET = 'duty-log';

type RunbookPolicy = { name: string; target: string; marks: Array<{ before?: string; at?: string; level: 'warning' | 'critical' | 'breach'; emoji: string; message: string; runbook?: string }> };

/**
 * A round-the-clock runbook for `policy`. Its notifications go to the log output; a hub.yaml
 * that turns the log output off still gets the SLA measured (inquiries, reports), with the
 * notices left out rather than a refusal to start over a runbook nobody wrote.
 */
function roundTheClock(policy: RunbookPolicy, logOutput: boolean): RulesInput {
  const notify = logOutput ? [{ notify: [LOG_TARGET] }] : [];
  return {
    version: 1,
    calendars: { 'round-the-clock': { alwaysOpen: true } },
    policies: [{ ...policy, calendar: 'round-the-clock', marks: policy.marks.map((mark) => ({ ...mark, actions: notify })) }],
    duty: { targets: logOutput ? [{ name: LOG_TARGET, connector: 'log', to: {} }] : [] },
    notify: logOutput ? { inquiryOpened: [LOG_TARGET], inquiryAnswered: [LOG_TARGET] } : {},
  };
}

/** The rules of a carried runbook, with or without the log output to notify. */
export function runbookRules(kind: RunbookKind, options: { logOutput: boolean }): RulesInput {
  return roundTheClock(RUNBOOKS[kind].policy, options.logOutput);
}

export const RUNBOOKS: Readonly<Record<RunbookKind, { label: string; policy: RunbookPolicy }>> = {
  'built-in': {
    label: 'built-in runbook',
    policy: {
      name: 'default',
      target: '60m',
      marks: [
        { before: '15m', level: 'warning', emoji: '⚡', message: '15 minutes left — {title}' },
        { before: '5m', level: 'critical', emoji: '❗', message: '5 minutes left — {title}' },
        { at: '100%', level: 'breach', emoji: '⚠️', message: 'SLA MISS — {title}', runbook: 'Answer in the conversation; `replywatch init` writes a runbook of your own' },
      ],
    },
  },
  demo: {
    label: 'demo runbook',
    policy: {
      name: 'demo',
      target: '3m',
      marks: [
        { before: '2m', level: 'warning', emoji: '⚡', message: '2 minutes left — {title}' },
        { before: '1m', level: 'critical', emoji: '❗', message: '1 minute left — {title}' },
        { at: '100%', level: 'breach', emoji: '⚠️', message: 'SLA MISS — {title}', runbook: 'Demo: answer with `replywatch send --role staff`' },
      ],
    },
  },
};

/**
 * "24/7, first response 60 min, marks at 45/55/60 min", read from the validated rules (not
 * written by hand), so the start line cannot drift from what the hub does.
 */
export function describeRunbook(rules: Rules): string {
  const policy = rules.policies[rules.policies.length - 1];
  if (!policy) return 'no SLA policies';
  const calendar = rules.calendars[policy.calendar];
  const hours = !calendar || calendar.alwaysOpen || !calendar.week ? '24/7' : `${Object.entries(calendar.week).map(([days, windows]) => `${days} ${windows.map(formatWindow).join(', ')}`).join('; ')} ${calendar.timezone}`;
  const minutes = (ms: number) => String(Math.round(ms / 60_000));
  const marks = policy.marks.map((mark) => minutes(markOffset(policy, mark))).join('/');
  return `${hours}, first response ${minutes(policy.target)} min, marks at ${marks} min`;
}

/** The info line the hub (and check-config) says when the rules did not come from a file. */
export function runbookNotice(origin: RunbookOrigin, rulesFile: string, rules: Rules): string | undefined {
  switch (origin) {
    case 'file':
      return undefined;
    case 'built-in':
      return `no rules file at ${rulesFile}: using the built-in runbook (${describeRunbook(rules)})${silence(rules)}; \`replywatch init\` writes one to edit`;
    case 'demo':
      return `using the demo runbook (${describeRunbook(rules)}; to the log output) instead of any rules file${silence(rules)}: send a customer message and ⚡ shows here in a minute`;
  }
}

/** Said when the runbook has nowhere to send its notices. */
function silence(rules: Rules): string {
  return rules.duty.targets.length === 0 ? ', but the log output is turned off in hub.yaml, so its marks notify nobody' : '';
}

function formatWindow(window: { start: number; end: number }): string {
  const time = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return `${time(window.start)}-${time(window.end)}${window.end <= window.start ? '+1' : ''}`;
}
