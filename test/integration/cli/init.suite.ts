import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runInit } from '../../../src/cli/init.command';
import { UsageError } from '../../../src/cli/usage-error';
import { loadConfig } from '../../../src/core/config/load-config';
import { runBuiltCli } from './run-built-cli';

/** Streams for one run of init: `answers` are typed in (all at once, ahead of the prompts). */
function io(options: { interactive: boolean; answers?: string[] }) {
  const input = new PassThrough();
  if (options.answers) input.end(options.answers.map((a) => `${a}\n`).join(''));
  else input.end();
  const output = new PassThrough();
  const errors = new PassThrough();
  let out = '';
  let err = '';
  output.on('data', (chunk: Buffer) => (out += chunk.toString()));
  errors.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { io: { input, output, errors, interactive: options.interactive }, out: () => out, err: () => err };
}

describe('replywatch init', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'replywatch-init-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const rulesOf = () => loadConfig({ HUB_CONFIG: path.join(dir, 'hub.yaml') }).rules;

  it('writes hub.yaml and rules.yaml from the options, and they load as check-config loads them', async () => {
    const run = io({ interactive: false });
    const code = await runInit(['--dir', dir, '--timezone', 'Europe/Berlin', '--days', 'mon-sat', '--hours', '08:00-17:00', '--target', '30m'], run.io);
    expect(code).toBe(0);
    expect(run.out()).toContain(`wrote ${dir}/hub.yaml and ${dir}/rules.yaml: mon-sat 08:00-17:00 Europe/Berlin, first response 30 min, marks at 15/25/30 min`);
    expect(run.out()).toContain(`start the hub with: HUB_CONFIG=${dir}/hub.yaml replywatch start`);
    const rules = rulesOf();
    expect(rules.calendars.support).toMatchObject({ timezone: 'Europe/Berlin', week: { 'mon-sat': [{ start: 480, end: 1020 }] } });
    expect(rules.policies).toMatchObject([{ name: 'default', target: 1_800_000, calendar: 'support' }]);
    expect(rules.duty.targets).toEqual([expect.objectContaining({ name: 'duty-log', connector: 'log' })]);
    // Commented, as the examples are.
    expect(readFileSync(path.join(dir, 'rules.yaml'), 'utf8')).toMatch(/^# The support runbook/);
    expect(readFileSync(path.join(dir, 'hub.yaml'), 'utf8')).toMatch(/^# Replywatch deployment settings, written by `replywatch init`/);
  });

  it('round the clock with --hours 24/7, and a short target gets its warnings at half and 80 %', async () => {
    expect(await runInit(['--dir', dir, '--timezone', 'UTC', '--hours', '24/7', '--target', '10m'], io({ interactive: false }).io)).toBe(0);
    const rules = rulesOf();
    expect(rules.calendars.support).toMatchObject({ alwaysOpen: true });
    expect(rules.policies[0]?.marks.map((m) => m.at)).toEqual([{ percent: 50 }, { percent: 80 }, { percent: 100 }]);
  });

  it('never overwrites: with one file there it names it, writes nothing and exits non-zero', async () => {
    writeFileSync(path.join(dir, 'rules.yaml'), 'version: 1\n# mine\n');
    const run = io({ interactive: true, answers: ['UTC', '', '', ''] });
    expect(await runInit(['--dir', dir], run.io)).toBe(1);
    expect(run.err()).toContain(`${dir}/rules.yaml already exists; nothing written`);
    expect(run.out()).toBe(''); // not even a question
    expect(existsSync(path.join(dir, 'hub.yaml'))).toBe(false);
    expect(readFileSync(path.join(dir, 'rules.yaml'), 'utf8')).toBe('version: 1\n# mine\n');
  });

  it('asks on a terminal: Enter keeps the default, a wrong answer is explained and asked again', async () => {
    const run = io({ interactive: true, answers: ['Mars/Olympus', 'Asia/Tokyo', '', '9-18', '10:00-19:00', ''] });
    expect(await runInit(['--dir', dir], run.io)).toBe(0);
    expect(run.out()).toContain('Time zone of your working hours [');
    expect(run.out()).toContain('expected an IANA time zone');
    expect(run.out()).toContain('Working days [mon-fri]: ');
    expect(run.out()).toContain('expected a window such as "09:00-18:00"');
    expect(run.out()).toContain('first response 60 min, marks at 45/55/60 min');
    expect(rulesOf().calendars.support).toMatchObject({ timezone: 'Asia/Tokyo', week: { 'mon-fri': [{ start: 600, end: 1140 }] } });
  });

  it('asks only what the options left open, and nothing with --yes', async () => {
    const asked = io({ interactive: true, answers: ['', ''] });
    expect(await runInit(['--dir', dir, '--timezone', 'UTC', '--hours', '07:00-15:00'], asked.io)).toBe(0);
    expect(asked.out()).not.toContain('Time zone');
    expect(asked.out()).toContain('Working days [mon-fri]: ');
    rmSync(dir, { recursive: true });
    const quiet = io({ interactive: true });
    expect(await runInit(['--dir', dir, '--yes', '--timezone', 'UTC'], quiet.io)).toBe(0);
    expect(quiet.out()).not.toContain('[');
  });

  it('writes nothing when the input ends before every answer, or an option is wrong', async () => {
    await expect(runInit(['--dir', dir], io({ interactive: true, answers: ['UTC'] }).io)).rejects.toThrow('no answer (the input ended); nothing written');
    await expect(runInit(['--dir', dir, '--target', 'soon'], io({ interactive: false }).io)).rejects.toThrow(UsageError);
    await expect(runInit(['--dir', dir, '--days', 'weekdays'], io({ interactive: false }).io)).rejects.toThrow('--days: expected days such as mon, mon-fri or sat,sun');
    expect(existsSync(path.join(dir, 'hub.yaml')) || existsSync(path.join(dir, 'rules.yaml'))).toBe(false);
  });
});

describe('replywatch init and check-config, as a user runs them', () => {
  let cwd: string;

  beforeAll(() => {
    cwd = mkdtempSync(path.join(tmpdir(), 'replywatch-first-hour-'));
  });

  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('check-config says the built-in runbook is in use while there is no rules file', async () => {
    const run = await runBuiltCli(['check-config'], { cwd, env: { HUB_CONFIG: undefined, RULES_FILE: undefined } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('rules:      built-in runbook (0 staff, 1 duty targets)');
    expect(run.stdout).toContain('no rules file at ./config/rules.yaml: using the built-in runbook (24/7, first response 60 min, marks at 45/55/60 min); `replywatch init` writes one to edit');
  });

  it('init --help prints usage and writes nothing', async () => {
    const run = await runBuiltCli(['init', '--help'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: replywatch init');
    expect(existsSync(path.join(cwd, 'config'))).toBe(false);
  });

  it('init without a terminal takes the options, then check-config reads the files; a second init refuses', async () => {
    const env = { HUB_CONFIG: undefined, RULES_FILE: undefined };
    const first = await runBuiltCli(['init', '--timezone', 'America/New_York'], { cwd, env });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('start the hub with: replywatch start');
    const check = await runBuiltCli(['check-config'], { cwd, env });
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('rules:      config/rules.yaml');
    expect(check.stdout).not.toContain('built-in runbook');
    const before = readFileSync(path.join(cwd, 'config/rules.yaml'), 'utf8');
    const again = await runBuiltCli(['init', '--yes'], { cwd, env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('config/hub.yaml and config/rules.yaml already exist; nothing written');
    expect(readFileSync(path.join(cwd, 'config/rules.yaml'), 'utf8')).toBe(before);
  });
});
