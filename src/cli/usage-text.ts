import { type CommandSpec, type OptionSpec } from './command-spec';
import { COMMANDS, ENVIRONMENT } from './commands';

const WIDTH = 100;
const TAGLINE = 'replywatch — no customer message goes unanswered past its SLA';

/** `report [--from DATE] … [--output FILE]`: every word a command takes, required ones bare. */
export function synopsis(spec: CommandSpec): string {
  return synopsisWords(spec).join(' ');
}

/** The synopsis in pieces that a line break must not split: `[--from DATE]` stays whole. */
function synopsisWords(spec: CommandSpec): string[] {
  return [spec.name, ...argumentWords(spec), ...Object.entries(spec.options).map(([name, option]) => optionWord(name, option))];
}

function argumentWords(spec: CommandSpec): string[] {
  return (spec.arguments ?? []).map((a) => (a.optional ? `[${a.name}]` : a.name));
}

function optionWord(name: string, option: OptionSpec): string {
  const word = option.type === 'string' ? `--${name} ${option.value ?? 'VALUE'}` : `--${name}`;
  return option.required ? word : `[${word}]`;
}

/** The main help: every command with every option it accepts, then where to read more. */
export function mainHelp(): string {
  return [
    TAGLINE,
    '',
    'Usage: replywatch <command> [options]        with no command: start',
    '       replywatch <command> --help           one command: its options and examples',
    '',
    'Commands:',
    ...COMMANDS.map((c) => entry(c)),
    '',
    'Every command takes -h, --help.',
    ...wrap(`Environment: ${ENVIRONMENT}. See README.md.`, WIDTH, ''),
  ].join('\n');
}

/** `replywatch outbox --help`: the commands of one group. */
export function groupHelp(group: string): string {
  const members = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  const words = members.map((c) => c.name.slice(group.length + 1)).join('|');
  return [`Usage: replywatch ${group} <${words}> [options]`, '', 'Commands:', ...members.map((c) => entry(c)), '', `Run "replywatch ${group} <command> --help" for one command's options.`].join('\n');
}

/** Synopsis (wrapped under the command's name) and its summary, indented below. */
function entry(spec: CommandSpec): string {
  const [first = spec.name, ...rest] = wrapWords(synopsisWords(spec), WIDTH - 2, ' '.repeat(spec.name.length + 1));
  return [`  ${first}`, ...rest.map((line) => `  ${line}`), ...wrap(spec.summary, WIDTH, '      ')].join('\n');
}

/** One command's `--help`. */
export function commandHelp(spec: CommandSpec): string {
  const usage = wrapWords(['replywatch', ...synopsisWords(spec)], WIDTH - 7, ' '.repeat(`Usage: replywatch ${spec.name} `.length));
  const lines = [`Usage: ${usage.join('\n')}`, '', ...wrap(spec.summary, WIDTH, '')];
  if (spec.details) lines.push('', ...wrap(spec.details, WIDTH, ''));
  const args = (spec.arguments ?? []).map((a) => [a.name, a.description] as const);
  if (args.length > 0) lines.push('', 'Arguments:', ...table(args));
  const options = Object.entries(spec.options).map(([name, o]) => [optionLabel(name, o), describe(o)] as const);
  lines.push('', 'Options:', ...table([...options, ['-h, --help', 'show this help and exit']]));
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

function optionLabel(name: string, option: OptionSpec): string {
  const short = option.short ? `-${option.short}, ` : '';
  return option.type === 'string' ? `${short}--${name} ${option.value ?? 'VALUE'}` : `${short}--${name}`;
}

function describe(option: OptionSpec): string {
  const required = option.required ? ' (required)' : '';
  const value = typeof option.default === 'string' ? option.default : option.fallback;
  const fallback = value === undefined ? '' : ` (default: ${value})`;
  return `${option.description}${required}${fallback}`;
}

/** Two aligned columns; a long description wraps under itself. */
function table(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const left = Math.min(28, Math.max(...rows.map(([label]) => label.length)) + 2);
  return rows.flatMap(([label, text]) => {
    const indent = ' '.repeat(left + 2);
    const wrapped = wrap(text, WIDTH, indent);
    const head = `  ${label}`;
    if (head.length >= left + 2) return [head, ...wrapped];
    const [first = '', ...rest] = wrapped;
    return [`${head.padEnd(left + 2)}${first.trimStart()}`, ...rest];
  });
}

function wrap(text: string, width: number, indent: string): string[] {
  return wrapWords(text.split(' '), width - indent.length, '').map((line) => `${indent}${line}`);
}

/** Greedy wrap; lines after the first start with `hang`. A word longer than a line stays whole. */
function wrapWords(words: readonly string[], width: number, hang: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const next = line === '' ? word : `${line} ${word}`;
    const prefix = lines.length === 0 ? '' : hang;
    if (line !== '' && prefix.length + next.length > width) {
      lines.push(`${prefix}${line}`);
      line = word;
    } else line = next;
  }
  lines.push(`${lines.length === 0 ? '' : hang}${line}`);
  return lines;
}

/** The README's command table, made from the same specs (a test keeps README.md equal to it). */
export function readmeTable(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return ['| command | what |', '|---|---|', ...COMMANDS.map((c) => `| \`${cell(`replywatch ${synopsis(c)}`)}\` | ${cell(c.summary)} |`)].join('\n');
}
