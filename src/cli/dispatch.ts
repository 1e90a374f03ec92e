import { type Command, type CommandName, COMMANDS, findCommand, HELP, START, VERSION } from './commands';
import { nearest } from './did-you-mean';
import { parseCommand, wantsHelp } from './parse-command';
import { UsageError } from './usage-error';
import { commandHelp, groupHelp, mainHelp } from './usage-text';
import { packageVersion } from './version';

/** What the command line asks for: text to print and exit 0, or a command to run. */
export type Decision = { kind: 'print'; text: string } | { kind: 'run'; command: CommandName; args: string[] };

const HELP_WORDS = new Set(['--help', '-h']);
const VERSION_WORDS = new Set(['--version', '-v']);

/** `outbox`, `plugin`, `mail`, `sla`: first words that only name a group of commands. */
const GROUPS = new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0] as string));

/**
 * Reads the words after `replywatch` without touching anything else: help and the version are
 * answered here, so `migrate --help` can never open a database; every other command's options
 * are checked before it runs.
 */
export function decide(argv: readonly string[]): Decision {
  const [first, ...rest] = argv;
  if (first === undefined) return decideFor(START, []);
  if (HELP_WORDS.has(first)) return print(mainHelp());
  if (VERSION_WORDS.has(first)) return decideFor(VERSION, rest);
  if (first.startsWith('-')) throw new UsageError(`unknown option "${first}"${suggestion(nearest(first.replace(/^-+/, ''), ['help', 'version']), '--')}`);
  if (GROUPS.has(first) && rest[0] !== undefined && HELP_WORDS.has(rest[0])) return print(groupHelp(first));
  const [spec, args] = resolve(first, rest);
  return decideFor(spec, args);
}

function decideFor(spec: Command, args: readonly string[]): Decision {
  if (wantsHelp(args)) return print(commandHelp(spec));
  if (spec.name === HELP.name) return print(helpFor(args));
  parseCommand(spec, args);
  if (spec.name === VERSION.name) return print(`replywatch ${packageVersion()}`);
  return { kind: 'run', command: spec.name, args: [...args] };
}

/** `replywatch help outbox list` prints what `replywatch outbox list --help` does. */
function helpFor(words: readonly string[]): string {
  const [first, ...rest] = words;
  if (first === undefined) return mainHelp();
  if (GROUPS.has(first) && rest.length === 0) return groupHelp(first);
  const [spec, left] = resolve(first, rest);
  if (left[0] !== undefined) throw new UsageError(`unexpected argument "${left[0]}"; expected "help [COMMAND]"`);
  return commandHelp(spec);
}

/** The command the first word (and, for a group, the second) names, and the words left for it. */
function resolve(first: string, rest: readonly string[]): [Command, string[]] {
  if (!GROUPS.has(first)) {
    const spec = findCommand(first);
    if (!spec) throw new UsageError(`unknown command "${first}"${suggestion(nearestCommand(first)) || ` (commands: ${[...new Set(COMMANDS.map((c) => c.name.split(' ')[0]))].join(', ')})`}`);
    return [spec, [...rest]];
  }
  const [second, ...args] = rest;
  const members = COMMANDS.filter((c) => c.name.startsWith(`${first} `)).map((c) => c.name.slice(first.length + 1));
  if (second === undefined || second.startsWith('-')) throw new UsageError(`"${first}" needs a command: ${members.map((m) => `${first} ${m}`).join(', ')}`, first);
  const spec = findCommand(`${first} ${second}`);
  if (!spec) throw new UsageError(`unknown command "${first} ${second}"${suggestion(nearest(second, members), `${first} `) || ` (${first} commands: ${members.join(', ')})`}`, first);
  return [spec, args];
}

/** Top-level words and, for two-word commands, the second word alone: `due` → `sla due`. */
function nearestCommand(word: string): string | undefined {
  const byWord = new Map<string, string>();
  for (const { name } of COMMANDS) {
    const [head = name, tail] = name.split(' ');
    if (!byWord.has(head)) byWord.set(head, head);
    if (tail && !byWord.has(tail)) byWord.set(tail, name);
  }
  const guess = nearest(word, [...byWord.keys()]);
  return guess && byWord.get(guess);
}

function suggestion(guess: string | undefined, prefix = ''): string {
  return guess ? `; did you mean "${prefix}${guess}"?` : '';
}

function print(text: string): Decision {
  return { kind: 'print', text };
}
