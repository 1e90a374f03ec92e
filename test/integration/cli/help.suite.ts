import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { COMMANDS } from '../../../src/cli/commands';
import { freePort } from '../../support/hub-process';
import { runBuiltCli } from './run-built-cli';

const VERSION = (JSON.parse(readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version;

/** True when something accepts connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('replywatch --help', () => {
  let work: string;
  // Every file a command could read or create points into `work`, and the configuration is
  // broken: a command that loaded it, opened a database or checked anything would show.
  let env: NodeJS.ProcessEnv;

  beforeEach(() => {
    work = mkdtempSync(path.join(tmpdir(), 'replywatch-help-'));
    const hubFile = path.join(work, 'hub.yaml');
    writeFileSync(hubFile, 'server: [this is: not valid\n');
    env = { HUB_CONFIG: hubFile, RULES_FILE: path.join(work, 'rules.yaml'), DATA_DIR: path.join(work, 'scratch'), DATABASE_URL: '' };
  });

  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it.each(COMMANDS.map((c) => c.name))('"%s --help" and "-h" print its usage and exit 0, touching nothing', async (name) => {
    for (const flag of ['--help', '-h']) {
      const run = await runBuiltCli([...name.split(' '), flag], { cwd: work, env });
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout.startsWith(`Usage: replywatch ${name}`)).toBe(true);
    }
    expect(readdirSync(work)).toEqual(['hub.yaml']);
  });

  it('"migrate --help" creates and migrates no database', async () => {
    const scratch = path.join(work, 'scratch');
    const run = await runBuiltCli(['migrate', '--help'], { cwd: work, env: { ...env, HUB_CONFIG: path.join(work, 'absent.yaml'), DATA_DIR: scratch } });
    expect(run.code).toBe(0);
    expect(existsSync(scratch)).toBe(false);
  });

  it('"start --help" returns at once and opens no port', async () => {
    const port = await freePort();
    const startedAt = Date.now();
    // A hub would keep running: the run helper kills it after 10 s and the test fails.
    const run = await runBuiltCli(['start', '--help'], { cwd: work, env: { ...env, HUB_CONFIG: path.join(work, 'absent.yaml'), PORT: String(port) }, timeoutMs: 10_000 });
    expect(run.code).toBe(0);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(await listening(port)).toBe(false);
    expect(run.stdout).not.toContain('listening on');
  });

  it('"check-config --help" does not check the (broken) configuration', async () => {
    const run = await runBuiltCli(['check-config', '--help'], { cwd: work, env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: replywatch check-config');
    expect(run.stdout).not.toMatch(/configuration is valid|invalid configuration/);
  });

  it('"report --help" says where the time zone comes from without reading the rules file', async () => {
    const run = await runBuiltCli(['report', '--help'], { cwd: work, env: { ...env, RULES_FILE: path.join(work, 'absent-rules.yaml') } });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.replace(/\s+/g, ' ')).toContain('(default: reports.timezone from the rules file, else UTC)');
  });

  it('help wins over every other word, even a value that parseArgs would refuse', async () => {
    for (const args of [['report', '--period', 'fortnight', '--help'], ['send', '--text', '--help'], ['outbox', 'list', '--status', 'lost', '-h']]) {
      const run = await runBuiltCli(args, { cwd: work, env });
      expect(run).toMatchObject({ code: 0, stderr: '' });
    }
    // After `--` it is a word like any other, not a request for help.
    const run = await runBuiltCli(['simulate', '--', '--help'], { cwd: work, env });
    expect(run.code).not.toBe(0);
  });

  it('a group prints its commands; "help COMMAND" prints what "COMMAND --help" does', async () => {
    const outbox = await runBuiltCli(['outbox', '--help'], { cwd: work, env });
    expect(outbox.code).toBe(0);
    for (const sub of ['status', 'list', 'show', 'replay']) expect(outbox.stdout).toContain(`outbox ${sub}`);
    const viaHelp = await runBuiltCli(['help', 'outbox', 'list'], { cwd: work, env });
    const viaFlag = await runBuiltCli(['outbox', 'list', '--help'], { cwd: work, env });
    expect(viaHelp).toEqual(viaFlag);
    const main = await runBuiltCli(['--help'], { cwd: work, env });
    expect(main).toMatchObject({ code: 0, stderr: '' });
    expect(main.stdout).toContain('Usage: replywatch <command>');
  });

  it('--version, -v and version print the version in package.json', async () => {
    for (const word of ['--version', '-v', 'version']) {
      const run = await runBuiltCli([word], { cwd: work, env });
      expect(run).toEqual({ code: 0, stdout: `replywatch ${VERSION}\n`, stderr: '' });
    }
  });
});

describe('replywatch usage errors', () => {
  let work: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'replywatch-usage-'));
    env = { HUB_CONFIG: path.join(work, 'absent.yaml'), DATA_DIR: path.join(work, 'scratch'), DATABASE_URL: '' };
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each([
    [['reprot', '--period', 'q3'], 'unknown command "reprot"; did you mean "report"?', 'replywatch help'],
    [['status'], 'unknown command "status"; did you mean "outbox status"?', 'replywatch help'],
    [['outbox', 'lsit'], 'unknown command "outbox lsit"; did you mean "outbox list"?', 'replywatch outbox --help'],
    [['report', '--perod', 'q3'], 'unknown option "--perod" for "report"; did you mean "--period"?', 'replywatch report --help'],
    [['send', '--conv', 'c-1', '--text', 'hi'], 'unknown option "--conv" for "send"; did you mean "--conversation"?', 'replywatch send --help'],
    [['migrate', '--force'], 'unknown option "--force": "migrate" takes no options', 'replywatch migrate --help'],
    [['report', '--zzz'], 'unknown option "--zzz" for "report" (options: --from, --to, --period,', 'replywatch report --help'],
    [['report', '--period', 'last-month', '--timezone', 'Mars/Olympus'], '--timezone: unknown time zone "Mars/Olympus"', 'replywatch report --help'],
    [['--verison'], 'unknown option "--verison"; did you mean "--version"?', 'replywatch help'],
    [['frobnicate'], 'unknown command "frobnicate" (commands: start, init, check-config, migrate, outbox,', 'replywatch help'],
  ])('%j: exit 2, names the nearest known word or lists them', async (args, message, help) => {
    const run = await runBuiltCli(args, { cwd: work, env });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`replywatch: ${message}`);
    expect(run.stderr).toContain(`Run "${help}" for usage.`);
  });

  it('a missing option value is a usage error too (exit 2), found before anything runs', async () => {
    const run = await runBuiltCli(['migrate', '--force'], { cwd: work, env });
    expect(run.code).toBe(2);
    const value = await runBuiltCli(['outbox', 'list', '--status'], { cwd: work, env });
    expect(value.code).toBe(2);
    expect(value.stderr).toContain("Option '--status <value>' argument missing");
    expect(existsSync(path.join(work, 'scratch'))).toBe(false);
  });
});
