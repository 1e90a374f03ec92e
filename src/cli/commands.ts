import { command } from './command-spec';

// The usage table: every command the CLI dispatches, its words and options. The parsers, each
// `--help`, the main help and the README's command table are all made from it, so none of
// them can name an option the others do not know. Nothing here may import the hub: `--help`
// must not load (let alone start) anything.

/** Commands that read: through a running hub when one answers, else on the database. */
const READS_THROUGH_HUB =
  "While a hub runs, reads through its admin API (with ADMIN_TOKEN) at --url, or at server.host and server.port of the configuration (HOST and PORT override them); with no hub answering there, reads the database. The output is the same either way.";

const HUB_URL = { type: 'string', value: 'URL', description: "read through the hub at this base URL, e.g. http://127.0.0.1:3000 (default: the configured address)" } as const;

export const START = command({
  name: 'start',
  summary: 'run the hub (the default command); migrations run on start',
  details:
    'Reads config/hub.yaml (or HUB_CONFIG) and the rules file, or built-in defaults when there is no hub.yaml, and runs until SIGTERM or SIGINT. Without a rules file the built-in runbook applies: 24/7, first response within 60 min, warnings to the log output.',
  options: {
    demo: { type: 'boolean', description: 'use the demo runbook instead of any rules file: 3-minute target, warnings in this output within a minute' },
  },
  examples: ['replywatch start --demo'],
});

export const INIT = command({
  name: 'init',
  summary: 'write a commented config/hub.yaml and config/rules.yaml for your time zone and working hours',
  details:
    'Asks on a terminal (Enter keeps the default shown); elsewhere, or with --yes, takes the options and defaults. Never overwrites: when a file exists it names it and writes nothing. The written files are checked as check-config would.',
  options: {
    timezone: { type: 'string', value: 'TZ', description: 'the IANA time zone of your working hours (default: this machine\'s)' },
    // No parser defaults here: on a terminal, an option given is a question not asked.
    days: { type: 'string', value: 'DAYS', description: 'working days, e.g. mon-fri (the default) or mon-sat' },
    hours: { type: 'string', value: 'HH:MM-HH:MM', description: 'working hours on those days, 09:00-18:00 by default, or 24/7' },
    target: { type: 'string', value: 'DURATION', description: 'first-response target in working time, 60m by default' },
    dir: { type: 'string', value: 'DIR', default: 'config', description: 'where to write hub.yaml and rules.yaml' },
    yes: { type: 'boolean', description: 'ask nothing: take the options and defaults' },
  },
  examples: ['replywatch init', 'replywatch init --yes --timezone Europe/Berlin --hours 08:00-17:00 --target 30m'],
});

export const CHECK_CONFIG = command({
  name: 'check-config',
  summary: 'validate config/hub.yaml and the rules file without starting anything, then exit',
  details: 'Opens no database and no connection: exit 0 when the hub would start with this configuration, 2 with the file, line and key of each problem otherwise.',
  options: {},
});

export const MIGRATE = command({
  name: 'migrate',
  summary: 'apply database migrations, then exit',
  details: 'Uses DATABASE_URL (PostgreSQL) or the embedded database in DATA_DIR, as the hub would. The embedded database belongs to one process at a time: stop the hub first.',
  options: {},
});

export const OUTBOX_STATUS = command({
  name: 'outbox status',
  summary: 'per connector and duty target: queued, retrying (next retry), in flight, dead, the last error, and the breaker or credentials pause holding it',
  details: READS_THROUGH_HUB,
  options: { json: { type: 'boolean', description: 'print JSON instead of text' }, url: HUB_URL },
});

export const OUTBOX_LIST = command({
  name: 'outbox list',
  summary: 'deliveries, newest first, with their last error',
  details: READS_THROUGH_HUB,
  options: {
    status: { type: 'string', value: 'STATUS', description: 'only deliveries in this state: pending, in_flight, delivered or dead' },
    limit: { type: 'string', value: 'N', default: '50', description: 'at most N deliveries (1-10000; 1-500 through a running hub)' },
    json: { type: 'boolean', description: 'print JSON instead of text' },
    url: HUB_URL,
  },
});

export const OUTBOX_SHOW = command({
  name: 'outbox show',
  summary: 'one delivery and its attempt history',
  details: READS_THROUGH_HUB,
  arguments: [{ name: 'ID', description: 'the delivery id (a UUID, as outbox list prints it)' }],
  options: { url: HUB_URL },
});

export const OUTBOX_REPLAY = command({
  name: 'outbox replay',
  summary: 'put dead letters back in line, with the same idempotency key',
  details: 'Give one delivery ID, or --all-dead (narrowed by --since and --connector).',
  arguments: [{ name: 'ID', description: 'the dead delivery to retry', optional: true }],
  options: {
    'all-dead': { type: 'boolean', description: 'every dead letter instead of one ID' },
    since: { type: 'string', value: 'ISO', description: 'only dead letters that died at or after this ISO 8601 instant' },
    connector: { type: 'string', value: 'ID', description: 'only dead letters of this connector' },
  },
  examples: ['replywatch outbox replay --all-dead --connector webhook --since 2026-11-02T00:00:00Z'],
});

export const SEND = command({
  name: 'send',
  summary: "sign and post one test message to a running hub's HTTP channel",
  details: 'Signs with the HTTP ingest secret (HTTP_INGEST_SECRET, or the one the hub wrote to DATA_DIR) and posts to --url, or to server.host and server.port of the configuration (PORT and HOST override them).',
  options: {
    conversation: { type: 'string', value: 'ID', required: true, description: 'the conversation the message belongs to' },
    text: { type: 'string', value: 'TEXT', required: true, description: 'the message text' },
    author: { type: 'string', value: 'ID', default: 'customer-1', description: 'who wrote it' },
    role: { type: 'string', value: 'customer|staff|bot', description: "the author's role; staff answers an open inquiry" },
    url: { type: 'string', value: 'URL', description: "the hub's base URL, e.g. http://127.0.0.1:3000" },
  },
  examples: ['replywatch send --conversation acme --text "Our invoices do not load"', 'replywatch send --conversation acme --text "Looking into it" --author alice --role staff'],
});

export const INQUIRIES = command({
  name: 'inquiries',
  summary: 'inquiries, newest first: status, conversation, when opened, the SLA deadline, the first response',
  details: READS_THROUGH_HUB,
  options: {
    status: { type: 'string', value: 'STATUS', description: 'only inquiries in this state: open, on_hold, answered or resolved' },
    conversation: { type: 'string', value: 'ID', description: 'only this conversation (its id in its channel)' },
    channel: { type: 'string', value: 'ID', description: 'only inquiries from this channel' },
    limit: { type: 'string', value: 'N', default: '50', description: 'at most N inquiries (1-500)' },
    json: { type: 'boolean', description: 'print JSON instead of text' },
    url: HUB_URL,
  },
  examples: ['replywatch inquiries --status open', 'replywatch inquiries --conversation acme --limit 10 --json'],
});

export const SLA_DUE = command({
  name: 'sla due',
  summary: 'when a response is due in business time, with the working intervals used',
  options: {
    calendar: { type: 'string', value: 'NAME', required: true, description: 'a calendar of the rules file' },
    from: { type: 'string', value: 'ISO', required: true, description: 'when the clock starts: an ISO 8601 instant with offset' },
    minutes: { type: 'string', value: 'N', required: true, description: 'business minutes until the response is due' },
    rules: { type: 'string', value: 'FILE', description: 'the rules file to read (default: the configured one)' },
    json: { type: 'boolean', description: 'print JSON instead of text' },
  },
  examples: ['replywatch sla due --calendar support --from 2026-11-02T22:30:00+03:00 --minutes 60'],
});

export const REPORT = command({
  name: 'report',
  summary: 'SLA figures for inquiries opened in the period: counts, % within SLA, FRT average/median/p90, hot conversations, responders; or one CSV row per inquiry',
  details: `Give --period, or --from and --to. ${READS_THROUGH_HUB}`,
  options: {
    from: { type: 'string', value: 'DATE', description: 'first day of the period (YYYY-MM-DD, with --to)' },
    to: { type: 'string', value: 'DATE', description: 'last day of the period (YYYY-MM-DD, with --from)' },
    period: { type: 'string', value: 'NAME', description: 'this-month, last-month, last-quarter, last-week, last-7-days, yesterday, q1..q4 or YYYY-Qn' },
    timezone: { type: 'string', value: 'TZ', fallback: 'reports.timezone from the rules file, else UTC', description: 'the IANA time zone the period\'s days are counted in and CSV times are written in' },
    format: { type: 'string', value: 'text|json|csv', default: 'text', description: 'csv: one row per inquiry' },
    channel: { type: 'string', value: 'ID', description: 'only inquiries from this channel' },
    policy: { type: 'string', value: 'NAME', description: 'only inquiries under this SLA policy' },
    conversation: { type: 'string', value: 'ID', description: 'only this conversation' },
    tag: { type: 'string', value: 'TAG', description: 'only conversations of customers with this tag in the rules file' },
    bom: { type: 'boolean', description: 'start the CSV with a byte order mark (for Excel)' },
    output: { type: 'string', value: 'FILE', description: 'write the CSV to FILE instead of standard output' },
    url: HUB_URL,
  },
  examples: ['replywatch report --period last-month', 'replywatch report --from 2026-11-01 --to 2026-11-30 --format csv --bom --output november.csv'],
});

export const SIMULATE = command({
  name: 'simulate',
  summary: 'play a timed story (messages, holds, restarts) through the real core on a virtual clock and print what the hub would do',
  arguments: [{ name: 'SCENARIO.yaml', description: 'the scenario, e.g. examples/scenarios/seed.yaml' }],
  options: { rules: { type: 'string', value: 'FILE', description: 'the rules file (default: the one the scenario names)' } },
  examples: ['replywatch simulate examples/scenarios/seed.yaml'],
});

export const PLUGIN_NEW = command({
  name: 'plugin new',
  summary: 'write a connector plugin package (TypeScript, contract tests) to build and test with npm',
  details: 'Give exactly one of --outbound and --inbound. Never writes into a folder that has anything in it.',
  arguments: [{ name: 'NAME', description: 'the connector id, kebab-case: the package is replywatch-plugin-NAME' }],
  options: {
    outbound: { type: 'boolean', description: 'a connector that delivers notifications' },
    inbound: { type: 'boolean', description: 'a connector that reads messages' },
    dir: { type: 'string', value: 'DIR', description: 'where to write it (default ./replywatch-plugin-NAME)' },
    sdk: { type: 'string', value: 'SPEC', description: 'the replywatch devDependency (default: this installation)' },
  },
  examples: ['replywatch plugin new team-chat --outbound'],
});

export const MAIL_CHECK = command({
  name: 'mail check',
  summary: 'log in to each configured mailbox and say what works: TLS, login, the watched and Sent mailboxes, IDLE, CONDSTORE',
  options: { account: { type: 'string', value: 'NAME', description: 'only this account of connectors.mail' } },
});

export const HELP = command({
  name: 'help',
  summary: 'the list of commands, or one command\'s usage',
  arguments: [{ name: 'COMMAND', description: 'e.g. report, or outbox list', optional: true }],
  options: {},
});

export const VERSION = command({
  name: 'version',
  summary: 'print the version of replywatch (also --version, -v)',
  options: {},
});

/** In the order the main help and the README list them. */
export const COMMANDS = [START, INIT, CHECK_CONFIG, MIGRATE, OUTBOX_STATUS, OUTBOX_LIST, OUTBOX_SHOW, OUTBOX_REPLAY, SEND, INQUIRIES, REPORT, SLA_DUE, SIMULATE, PLUGIN_NEW, MAIL_CHECK, HELP, VERSION] as const;

export type Command = (typeof COMMANDS)[number];
export type CommandName = Command['name'];

export const ENVIRONMENT = 'HUB_CONFIG, RULES_FILE, DATABASE_URL, DATA_DIR, PORT, HOST, ADMIN_TOKEN, HTTP_INGEST_SECRET, LOG_LEVEL, LOG_PRETTY';

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}
