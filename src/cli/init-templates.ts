import { readFileSync } from 'node:fs';
import path from 'node:path';
import { calendarSchema, isTimeZone } from '../core/sla/calendar.schema';
import { parseDuration } from '../core/config/duration';

/** What `replywatch init` asks; each is checked by the same schema the rules file goes through. */
export interface InitAnswers {
  timezone: string;
  days: string;
  /** "09:00-18:00", or "24/7" for round the clock. */
  hours: string;
  target: string;
}

export const ROUND_THE_CLOCK = '24/7';

/** The question's answer, or why it is not one (a sentence for the user; the value is theirs to see). */
export type Checked = { ok: true; value: string } | { ok: false; message: string };

export const CHECKS: Readonly<Record<keyof InitAnswers, (text: string) => Checked>> = {
  timezone: (text) => (isTimeZone(text) ? ok(text) : fail('expected an IANA time zone such as Europe/Berlin or UTC')),
  days: (text) => calendarProblem({ week: { [text]: ['09:00-18:00'] } }) ?? ok(text.toLowerCase()),
  hours: (text) => (text === ROUND_THE_CLOCK ? ok(text) : (calendarProblem({ week: { mon: [text] } }) ?? ok(text))),
  target: (text) => {
    const ms = parseDuration(text);
    return ms !== undefined && ms >= 60_000 ? ok(text) : fail('expected a duration of a minute or more, such as 60m, 90m or 4h');
  },
};

function calendarProblem(value: unknown): Checked | undefined {
  const parsed = calendarSchema.safeParse(value);
  return parsed.success ? undefined : fail(parsed.error.issues[0]?.message ?? 'not understood');
}

function ok(value: string): Checked {
  return { ok: true, value };
}

function fail(message: string): Checked {
  return { ok: false, message };
}

/** hub.example.yaml as shipped beside dist/ and src/ alike (the package's `files` keep it). */
export function hubYaml(): string {
  const example = readFileSync(path.join(__dirname, '../../config/hub.example.yaml'), 'utf8');
  const header = '# Replywatch deployment settings, written by `replywatch init` from config/hub.example.yaml.\n';
  // The example's opening paragraph (copy me to config/hub.yaml) no longer applies.
  const opening = /^# Replywatch deployment settings\.[^]*?\n#\n/;
  return opening.test(example) ? example.replace(opening, `${header}#\n`) : `${header}${example}`;
}

/**
 * The runbook for one team's week, commented as rules.example.yaml is. ⚡ and ❗ come 15 and 5
 * minutes before the deadline; a target too short for that gets them at half and 80 %.
 */
export function rulesYaml(answers: InitAnswers): string {
  // Plain where YAML reads it as the same string (Europe/Berlin, mon-fri), quoted otherwise.
  const q = (text: string) => (/^[a-z][a-z0-9_+\-/]*$/i.test(text) ? text : JSON.stringify(text));
  const timezone = q(answers.timezone);
  const calendar =
    answers.hours === ROUND_THE_CLOCK
      ? `    timezone: ${timezone}\n    alwaysOpen: true          # or week: { mon-fri: ["09:00-18:00"] } and holidays`
      : [
          `    timezone: ${timezone}`,
          `    week:`,
          `      ${q(answers.days)}: [${JSON.stringify(answers.hours)}]`,
          `      # sat: ["10:00-14:00"]     # more days, or a second window: ["09:00-13:00", "14:00-18:00"]`,
          `    holidays:`,
          `      dates: []               # e.g. ["2026-12-25"]; or ics: { url: https://… } for a public holiday feed`,
        ].join('\n');
  const roomy = (parseDuration(answers.target) ?? 0) >= 30 * 60_000;
  const warnings = roomy
    ? [
        `      - { before: 15m, level: warning, emoji: "⚡", message: "15 minutes left — {title}", actions: [{ notify: [duty-log] }] }`,
        `      - { before: 5m, level: critical, emoji: "❗", message: "5 minutes left — {title}", actions: [{ notify: [duty-log] }] }`,
      ]
    : [
        `      - { at: 50%, level: warning, emoji: "⚡", message: "{left} left — {title}", actions: [{ notify: [duty-log] }] }`,
        `      - { at: 80%, level: critical, emoji: "❗", message: "{left} left — {title}", actions: [{ notify: [duty-log] }] }`,
      ];
  return `# The support runbook: who is staff, where the hub may speak, and what it says.
# Written by \`replywatch init\`; edit it freely. A running hub reloads it when it changes (an
# invalid edit is refused and the old rules stay); \`replywatch check-config\` checks it.
# Every setting: config/rules.example.yaml and docs/CONFIGURATION.md.
version: 1

# Business calendars: when the SLA clock runs.
calendars:
  support:
${calendar}

# SLA policies: tried in order, the first match wins; the last one matches everything.
# Marks are points on the inquiry's business clock: \`at: 45m\`, \`at: 75%\` of the target, or
# \`before: 15m\` (counted back from the deadline). Escalation steps fire after the deadline,
# at most once per cooldown.
policies:
  # - name: vip                   # e.g. a shorter target for some customers (see customers:)
  #   match: { tier: vip }
  #   target: 30m
  #   calendar: support
  #   marks:
  #     - { at: 100%, level: breach, emoji: "⚠️", message: "SLA MISS — {title}", actions: [{ notify: [duty-log] }] }
  - name: default
    target: ${answers.target}
    calendar: support
    marks:
${warnings.join('\n')}
      - { at: 100%, level: breach, emoji: "⚠️", message: "SLA MISS — {title}", runbook: "Answer in the chat, then /resolve", actions: [{ notify: [duty-log] }] }
    escalation:
      - { after: 30m, message: "Still unanswered 30 minutes past the deadline — {title}", actions: [{ notify: [duty-log] }] }
    cooldowns:
      escalation: 1h

# Customers: a tier and tags per conversation, for policies to match on.
customers: []
#  - { channel: telegram, conversations: ["-1001234567890"], tier: vip }

# Who answers customers. Anyone not listed (and not flagged by a connector as an anonymous
# group admin or a bot) counts as a customer whose message waits for an answer.
staff: []
#  - name: Alice Duty
#    role: support            # admin, support or sales
#    identities:
#      - { channel: telegram, id: "123456789" }   # Telegram user id
#      - { channel: http, id: alice }             # author.id sent over the HTTP channel
#      - { channel: email, email: alice@example.com }

# Places the hub may write to. Customer conversations are never among them.
duty:
  targets:
    - name: duty-log
      connector: log         # the log output: an enabled outbound connector from hub.yaml
      to: {}
    # With the telegram connector enabled in hub.yaml, the duty chat (a group the bot is in):
    # - name: duty
    #   connector: telegram
    #   to: { chatId: -1001234567890 }   # then notify [duty] in the marks above
  stormLimitPerMinute: 20

# Which duty targets hear about inquiries opening, getting answered and being resolved.
notify:
  inquiryOpened: [duty-log]
  inquiryAnswered: []
  inquiryResolved: []

# Scheduled reports (see rules.example.yaml for exports and digests).
reports:
  timezone: ${timezone}
  exports: []
  digests: []
`;
}
