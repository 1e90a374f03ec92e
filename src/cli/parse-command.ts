import { parseArgs } from 'node:util';
import { type CommandSpec, type OptionTable } from './command-spec';
import { nearest } from './did-you-mean';
import { synopsis } from './usage-text';
import { UsageError } from './usage-error';

/** What parseArgs returns for a spec's options: each value typed by its option. */
export type ParsedCommand<O extends OptionTable> = ReturnType<typeof parseArgs<{ args: readonly string[]; options: O; allowPositionals: true; strict: true }>>;

/**
 * True when the words ask for help: `--help` or `-h` standing alone before any `--`. Even as
 * the value of another option (`send --text --help`) help wins: it only prints, and parseArgs
 * would refuse that value as ambiguous anyway (`--text=--help` is how to send it).
 */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((word) => word === '--help' || word === '-h');
}

/**
 * Reads a command's words by its spec in the usage table. Every way they can be wrong is a
 * UsageError naming the command: an unknown option (with the nearest known one), a missing
 * value, one argument too many.
 */
export function parseCommand<const O extends OptionTable, const N extends string>(spec: CommandSpec<O, N>, args: readonly string[]): ParsedCommand<O> {
  rejectUnknownOptions(spec, args);
  const parsed = strictParse(spec, args);
  const max = spec.arguments?.length ?? 0;
  const extra = parsed.positionals[max];
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"; expected "${synopsis(spec)}"`, spec.name);
  return parsed;
}

function strictParse<const O extends OptionTable>(spec: CommandSpec<O>, args: readonly string[]): ParsedCommand<O> {
  try {
    return parseArgs({ args, options: spec.options, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs' own errors (a missing value, a value given to a flag) are usage errors too.
    // Read by their code, not instanceof: under jest, node's errors come from another realm.
    const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_') && typeof message === 'string') throw new UsageError(message.replace(/\s*\n\s*/g, ' '), spec.name);
    throw error;
  }
}

function rejectUnknownOptions(spec: CommandSpec, args: readonly string[]): void {
  const { tokens } = parseArgs({ args, options: spec.options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'option' && !Object.hasOwn(spec.options, token.name)) throw new UsageError(unknownOption(spec, token.rawName, token.name), spec.name);
  }
}

function unknownOption(spec: CommandSpec, raw: string, name: string): string {
  const known = Object.keys(spec.options);
  const guess = nearest(name, [...known, 'help']);
  if (guess) return `unknown option "${raw}" for "${spec.name}"; did you mean "--${guess}"?`;
  if (known.length === 0) return `unknown option "${raw}": "${spec.name}" takes no options`;
  return `unknown option "${raw}" for "${spec.name}" (options: ${known.map((k) => `--${k}`).join(', ')})`;
}
