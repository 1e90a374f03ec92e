#!/usr/bin/env node
import 'reflect-metadata';
import { type CommandName, START } from './cli/commands';
import { decide } from './cli/dispatch';
import { UsageError } from './cli/usage-error';

type Runner = (args: string[]) => Promise<number>;

// Each command's code is loaded only when it runs: `--help` and `--version` load nothing of the
// hub, and a command does not pay for the others' imports (NestJS, the database drivers).
const RUNNERS = {
  start: async (args) => {
    const { values } = (await import('./cli/parse-command')).parseCommand(START, args);
    await (await import('./main')).startHub(process.env, values.demo === true ? { runbook: 'demo' } : {});
    return -1; // keeps running until a signal
  },
  init: async (args) => (await import('./cli/init.command')).runInit(args),
  'check-config': async () => (await import('./cli/check-config.command')).runCheckConfig(),
  migrate: async () => (await import('./cli/migrate.command')).runMigrate(),
  'outbox status': async (args) => (await import('./cli/outbox.command')).runOutbox(['status', ...args]),
  'outbox list': async (args) => (await import('./cli/outbox.command')).runOutbox(['list', ...args]),
  'outbox show': async (args) => (await import('./cli/outbox.command')).runOutbox(['show', ...args]),
  'outbox replay': async (args) => (await import('./cli/outbox.command')).runOutbox(['replay', ...args]),
  send: async (args) => (await import('./cli/send.command')).runSend(args),
  inquiries: async (args) => (await import('./cli/inquiries.command')).runInquiries(args),
  report: async (args) => (await import('./cli/report.command')).runReport(args),
  'sla due': async (args) => (await import('./cli/sla-due.command')).runSlaDue(args),
  simulate: async (args) => (await import('./cli/simulate.command')).runSimulate(args),
  'plugin new': async (args) => (await import('./cli/plugin-new.command')).runPluginNew(args),
  'mail check': async (args) => (await import('./cli/mail-check.command')).runMailCheck(args),
  // Answered by decide() before anything runs.
  help: () => Promise.resolve(0),
  version: () => Promise.resolve(0),
} satisfies Record<CommandName, Runner>;

async function main(argv: string[]): Promise<number> {
  const decision = decide(argv);
  if (decision.kind === 'print') {
    process.stdout.write(`${decision.text}\n`);
    return 0;
  }
  const runner: Runner = RUNNERS[decision.command];
  try {
    return await runner(decision.args);
  } catch (error) {
    // A command's own checks (`--format: expected …`) point at that command's help too.
    if (error instanceof UsageError && !error.command) throw new UsageError(error.message, decision.command);
    throw error;
  }
}

async function fail(error: unknown): Promise<never> {
  if (error instanceof UsageError) {
    const help = error.command ? `replywatch ${error.command} --help` : 'replywatch help';
    process.stderr.write(`replywatch: ${error.message}\nRun "${help}" for usage.\n`);
    process.exit(2);
  }
  // Not from ./main: that would load the whole hub to print an error.
  const { exitCodeFor, explainStartupError } = await import('./startup-errors');
  process.stderr.write(`${explainStartupError(error)}\n`);
  process.exit(exitCodeFor(error));
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  fail,
);
