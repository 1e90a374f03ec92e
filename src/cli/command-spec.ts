import { type ParseArgsConfig } from 'node:util';

type ParseArgsOption = NonNullable<ParseArgsConfig['options']>[string];

/** One option as node:util parseArgs reads it, plus the words its help line needs. */
export interface OptionSpec extends ParseArgsOption {
  /** What follows a string option in the synopsis: `--from DATE`. */
  readonly value?: string;
  readonly description: string;
  /** Shown without brackets in the synopsis; the command itself checks that it is there. */
  readonly required?: boolean;
  /** The help's "(default: …)" when the default is not a fixed value (read by the command). */
  readonly fallback?: string;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** A positional word, e.g. the scenario file of `simulate`. */
export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
  readonly optional?: boolean;
}

/**
 * One command of the `replywatch` CLI: the single source for its parser, its `--help`, the
 * main help and the README's command table.
 */
export interface CommandSpec<O extends OptionTable = OptionTable, N extends string = string> {
  /** The words after `replywatch`: `report`, `outbox list`. */
  readonly name: N;
  /** One line: the main help and the README table show it. */
  readonly summary: string;
  /** More sentences for the command's own `--help`. */
  readonly details?: string;
  readonly arguments?: readonly ArgumentSpec[];
  readonly options: O;
  readonly examples?: readonly string[];
}

/** Keeps the literals (`type: 'string'`, the name) so parseArgs types each command's values. */
export function command<const O extends OptionTable, const N extends string>(spec: CommandSpec<O, N>): CommandSpec<O, N> {
  return spec;
}
