#!/usr/bin/env node
import 'reflect-metadata';
import { runCheckConfig } from './cli/check-config.command';
import { runMailCheck } from './cli/mail-check.command';
import { runMigrate } from './cli/migrate.command';
import { runOutbox } from './cli/outbox.command';
import { runPluginNew } from './cli/plugin-new.command';
import { runSend } from './cli/send.command';
import { runReport } from './cli/report.command';
import { runSimulate } from './cli/simulate.command';
import { runSlaDue } from './cli/sla-due.command';
import { UsageError } from './cli/usage-error';
import { exitCodeFor, startHub } from './main';
import { explainStartupError } from './startup-errors';

const HELP = `replywatch — no customer message goes unanswered past its SLA

Usage: replywatch <command> [options]

Commands:
  start                     run the hub (default); config/hub.yaml or built-in defaults
  check-config              validate config/hub.yaml and the rules file, then exit
  migrate                   apply database migrations, then exit
  outbox status [--json]    per connector and duty target: queued, retrying (next retry),
                            in flight, dead, and the last error in words
  outbox list [--status S] [--limit N] [--json]
                            deliveries, newest first (S: pending, in_flight, delivered, dead)
  outbox show ID            one delivery with its attempt history
  outbox replay ID | --all-dead [--since ISO] [--connector ID]
                            put dead letters back in line (same idempotency key)
  send --conversation ID --text TEXT [--author ID] [--role customer|staff|bot] [--url URL]
                            sign and post one message to a running hub's HTTP channel
  sla due --calendar NAME --from ISO --minutes N [--rules FILE] [--json]
                            when a response is due in business time, with the intervals used
  report --from DATE --to DATE | --period last-month|this-month|q3|2026-Q3
         [--timezone TZ] [--format text|json] [--channel C] [--policy P] [--conversation ID]
                            SLA figures for inquiries opened in the period
  simulate SCENARIO.yaml [--rules FILE]
                            play timed messages, holds and restarts through the real core on a
                            virtual clock and print what the hub would do
  plugin new NAME --outbound|--inbound [--dir DIR] [--sdk SPEC]
                            write a connector plugin package (TypeScript, contract tests) into
                            DIR (default ./replywatch-plugin-NAME); SPEC: the replywatch
                            devDependency (default: this installation)
  mail check [--account NAME]
                            log in to each mailbox of connectors.mail and say what works:
                            login and TLS, the watched and Sent mailboxes, IDLE, CONDSTORE
  help                      this text

Environment: HUB_CONFIG, RULES_FILE, DATABASE_URL, DATA_DIR, PORT, HOST, ADMIN_TOKEN,
HTTP_INGEST_SECRET, LOG_LEVEL. See README.md.`;

async function main(argv: string[]): Promise<number> {
  const [command = 'start', ...rest] = argv;
  switch (command) {
    case 'start':
      await startHub();
      return -1; // keeps running until a signal
    case 'check-config':
      return runCheckConfig();
    case 'migrate':
      return runMigrate();
    case 'outbox':
      return runOutbox(rest);
    case 'send':
      return runSend(rest);
    case 'report':
      return runReport(rest);
    case 'simulate':
      return runSimulate(rest);
    case 'plugin':
      if (rest[0] !== 'new') throw new UsageError('expected "plugin new NAME --outbound|--inbound [--dir DIR] [--sdk SPEC]"');
      return runPluginNew(rest.slice(1));
    case 'mail':
      if (rest[0] !== 'check') throw new UsageError('expected "mail check [--account NAME]"');
      return runMailCheck(rest.slice(1));
    case 'sla':
      if (rest[0] !== 'due') throw new UsageError('expected "sla due --calendar NAME --from ISO --minutes N"');
      return runSlaDue(rest.slice(1));
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${HELP}\n`);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`replywatch: ${error.message}\nRun "replywatch help" for usage.\n`);
      process.exit(2);
    }
    process.stderr.write(`${explainStartupError(error)}\n`);
    process.exit(exitCodeFor(error));
  },
);
