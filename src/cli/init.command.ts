import { existsSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { describeRunbook } from '../core/config/built-in-runbooks';
import { checkConfig } from './check-config.command';
import { INIT } from './commands';
import { CHECKS, hubYaml, type InitAnswers, rulesYaml } from './init-templates';
import { parseCommand } from './parse-command';
import { UsageError } from './usage-error';

export interface InitIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  errors: NodeJS.WritableStream;
  /** Ask the questions (a terminal); otherwise the options and defaults are the answers. */
  interactive: boolean;
}

const QUESTIONS: ReadonlyArray<{ key: keyof InitAnswers; prompt: string }> = [
  { key: 'timezone', prompt: 'Time zone of your working hours' },
  { key: 'days', prompt: 'Working days' },
  { key: 'hours', prompt: 'Working hours on those days (or 24/7)' },
  { key: 'target', prompt: 'First response within (working time)' },
];

/**
 * Writes config/hub.yaml and config/rules.yaml for one team's week, then checks them as
 * check-config does. Never overwrites: if either file exists, nothing is written.
 */
export async function runInit(args: string[], io: InitIo = terminalIo()): Promise<number> {
  const { values } = parseCommand(INIT, args);
  const dir = values.dir ?? 'config';
  const files = { hub: path.join(dir, 'hub.yaml'), rules: path.join(dir, 'rules.yaml') };
  const existing = Object.values(files).filter((file) => existsSync(file));
  if (existing.length > 0) {
    io.errors.write(`replywatch init: ${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; nothing written (edit ${existing.length === 1 ? 'it' : 'them'}, or move ${existing.length === 1 ? 'it' : 'them'} away to start over)\n`);
    return 1;
  }
  const defaults: InitAnswers = { timezone: values.timezone ?? localTimeZone(), days: values.days ?? 'mon-fri', hours: values.hours ?? '09:00-18:00', target: values.target ?? '60m' };
  // An option is an answer given in advance: a terminal is asked only the rest.
  const open = io.interactive && !values.yes ? QUESTIONS.filter(({ key }) => values[key] === undefined) : [];
  const answers = await ask(fromOptions(defaults), open, io);
  await writeBoth(files, answers);
  const summary = checkWritten(files);
  io.output.write(
    `wrote ${files.hub} and ${files.rules}: ${summary}\n` +
      `the configuration is valid; start the hub with: ${path.resolve(files.hub) === path.resolve('config/hub.yaml') ? '' : `HUB_CONFIG=${files.hub} `}replywatch start\n`,
  );
  return 0;
}

function terminalIo(): InitIo {
  return { input: process.stdin, output: process.stdout, errors: process.stderr, interactive: process.stdin.isTTY === true && process.stdout.isTTY === true };
}

function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Options are answers given in advance: a wrong one is a usage error, nothing is asked. */
function fromOptions(given: InitAnswers): InitAnswers {
  const answers = { ...given };
  for (const { key } of QUESTIONS) {
    const checked = CHECKS[key](given[key]);
    if (!checked.ok) throw new UsageError(`--${key}: ${checked.message}`, INIT.name);
    answers[key] = checked.value;
  }
  return answers;
}

/**
 * One question per line, Enter keeps the default shown. Lines are read from the stream's
 * iterator, so answers piped in ahead of the prompts are not lost.
 */
async function ask(defaults: InitAnswers, questions: typeof QUESTIONS, io: InitIo): Promise<InitAnswers> {
  if (questions.length === 0) return defaults;
  const rl = createInterface({ input: io.input, output: io.output });
  const lines = rl[Symbol.asyncIterator]();
  const answers = { ...defaults };
  try {
    for (const { key, prompt } of questions) {
      for (;;) {
        io.output.write(`${prompt} [${defaults[key]}]: `);
        const line = await lines.next();
        if (line.done === true) throw new UsageError('no answer (the input ended); nothing written', INIT.name);
        const text = String(line.value).trim();
        const checked = CHECKS[key](text === '' ? defaults[key] : text);
        if (checked.ok) {
          answers[key] = checked.value;
          break;
        }
        io.output.write(`  ${checked.message}\n`);
      }
    }
  } finally {
    rl.close();
  }
  return answers;
}

/** 'wx' fails rather than replace a file that appeared since the check; then neither stays. */
async function writeBoth(files: { hub: string; rules: string }, answers: InitAnswers): Promise<void> {
  await mkdir(path.dirname(files.hub), { recursive: true });
  const written: string[] = [];
  try {
    await writeFile(files.rules, rulesYaml(answers), { flag: 'wx' });
    written.push(files.rules);
    await writeFile(files.hub, hubYaml(), { flag: 'wx' });
  } catch (error) {
    for (const file of written) rmSync(file, { force: true });
    throw error;
  }
}

/**
 * The loader check-config uses, on exactly these files (not a RULES_FILE of the shell). A
 * failure is a bug of init: the files are removed so that a second try starts clean.
 */
function checkWritten(files: { hub: string; rules: string }): string {
  const { RULES_FILE: _ignored, ...env } = process.env;
  try {
    return describeRunbook(checkConfig({ ...env, HUB_CONFIG: files.hub }).rules);
  } catch (error) {
    rmSync(files.hub, { force: true });
    rmSync(files.rules, { force: true });
    throw error;
  }
}
