import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeRunbook, runbookNotice } from './built-in-runbooks';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function files(hub: string | undefined, rules: string | undefined): NodeJS.ProcessEnv {
  const dir = mkdtempSync(path.join(tmpdir(), 'replywatch-config-'));
  scratch.push(dir);
  const env: NodeJS.ProcessEnv = {};
  if (hub !== undefined) writeFileSync((env.HUB_CONFIG = path.join(dir, 'hub.yaml')), hub);
  if (rules !== undefined) writeFileSync((env.RULES_FILE = path.join(dir, 'rules.yaml')), rules);
  return env;
}

function errorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('accepts the shipped examples', () => {
    const env = { HUB_CONFIG: 'config/hub.example.yaml', RULES_FILE: 'config/rules.example.yaml' };
    const config = loadConfig(env);
    expect(config.hub.server.port).toBe(3000);
    expect(config.hub.outbox.retrySchedule).toEqual([5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(config.hub.outbox.baseDelay).toBeUndefined();
    expect(config.rules.staff[0]?.identities[0]).toEqual({ channel: 'telegram', id: '123456789' });
  });

  it('names file, line, column and key path of a wrong value', () => {
    const env = files('server:\n  host: 127.0.0.1\n  port: "eighty"\n', 'version: 1\n');
    const error = errorOf(() => loadConfig(env));
    expect(error.message).toMatch(new RegExp(`${env.HUB_CONFIG}:3:9 server.port: .*expected number`));
  });

  it('locates problems deep in the rules file', () => {
    const env = files('{}', 'version: 1\nstaff:\n  - name: Bob\n    role: manager\n    identities:\n      - { channel: telegram, id: 42 }\n');
    expect(errorOf(() => loadConfig(env)).message).toMatch(new RegExp(`${env.RULES_FILE}:4:11 staff\\[0\\].role: .*admin.*support.*sales`));
  });

  it('reports YAML syntax errors with their line', () => {
    const env = files('server:\n  port: [3000\n', 'version: 1\n');
    expect(errorOf(() => loadConfig(env)).problems[0]).toMatchObject({ file: env.HUB_CONFIG, line: expect.any(Number) as number });
  });

  it('rejects unknown keys, so a typo does not silently fall back to a default', () => {
    const env = files('sever:\n  port: 3000\n', 'version: 1\n');
    expect(errorOf(() => loadConfig(env)).message).toMatch(/:1:1 sever: unknown key/);
  });

  it('says which environment variable is missing instead of "expected string"', () => {
    const env = files('admin:\n  token: ${ADMIN_SECRET_TOKEN}\n', 'version: 1\n');
    expect(errorOf(() => loadConfig(env)).message).toMatch(/:2:10 admin.token: environment variable ADMIN_SECRET_TOKEN is not set/);
  });

  it('never echoes a configured value in an error', () => {
    const env = files('admin:\n  token: hunter2-short\n', 'version: 1\n');
    const error = errorOf(() => loadConfig({ ...env }));
    expect(error.message).toMatch(/admin.token: expected at least 16 characters/);
    expect(error.message).not.toContain('hunter2');
  });

  it('lets environment variables override the file', () => {
    const env = files('server:\n  port: 3000\n', 'version: 1\n');
    const config = loadConfig({ ...env, PORT: '4321', DATABASE_URL: 'postgres://x@127.0.0.1/db' });
    expect(config.hub.server.port).toBe(4321);
    expect(config.hub.database.url).toBe('postgres://x@127.0.0.1/db');
    expect(() => loadConfig({ ...env, PORT: 'abc' })).toThrow(/^environment variable PORT \(server\.port\): expected a port number/);
  });

  it('takes log.pretty from LOG_PRETTY as a switch, and names the variable when it is not one', () => {
    const env = files('log:\n  pretty: true\n', 'version: 1\n');
    expect(loadConfig(env).hub.log.pretty).toBe(true);
    expect(loadConfig({ ...env, LOG_PRETTY: 'false' }).hub.log.pretty).toBe(false);
    expect(loadConfig({ ...env, LOG_PRETTY: 'off' }).hub.log.pretty).toBe(false);
    expect(loadConfig({ ...env, LOG_PRETTY: '1' }).hub.log.pretty).toBe(true);
    expect(() => loadConfig({ ...env, LOG_PRETTY: 'sometimes' })).toThrow(/^environment variable LOG_PRETTY \(log\.pretty\): expected true or false/);
  });

  it('uses built-in defaults without a hub.yaml (the plugin host picks the connectors) and refuses an explicit file that is missing', () => {
    const config = loadConfig({ RULES_FILE: 'config/rules.example.yaml', TELEGRAM_BOT_TOKEN: '123456789:AAbbccddeeffgghhiijjkk' });
    expect(config).toMatchObject({ builtIn: true, hub: { connectors: {} } });
    // The core knows no connector's variables; they reach the connectors through `environment`.
    expect(config.environment.TELEGRAM_BOT_TOKEN).toBe('123456789:AAbbccddeeffgghhiijjkk');
    expect(loadConfig({ HUB_CONFIG: 'config/hub.example.yaml', RULES_FILE: 'config/rules.example.yaml' }).builtIn).toBe(false);
    expect(() => loadConfig({ HUB_CONFIG: '/nonexistent/hub.yaml' })).toThrow(/\/nonexistent\/hub.yaml: cannot read the file \(ENOENT\)/);
  });

  it('rejects notify entries naming a duty target that does not exist', () => {
    const env = files('{}', 'version: 1\nduty:\n  targets:\n    - { name: duty, connector: log }\nnotify:\n  inquiryOpened: [duty, dutty]\n');
    expect(errorOf(() => loadConfig(env)).message).toMatch(/:6:\d+ notify.inquiryOpened\[1\]: unknown duty target; did you mean "duty"\? \(known duty targets: duty\)/);
  });

  describe('the runbook when there is no rules file', () => {
    const cwd = process.cwd();
    // The default rules file is ./config/rules.yaml of the working directory.
    beforeEach(() => process.chdir(mkdtempSync(path.join(tmpdir(), 'replywatch-cwd-'))));
    afterEach(() => process.chdir(cwd));

    it('is the built-in one: 24/7, 60 minutes, ⚡ ❗ ⚠️ at 45/55/60 to the log, validated like a file', () => {
      const config = loadConfig({});
      expect(config).toMatchObject({ runbook: 'built-in', rulesFile: './config/rules.yaml', rulesSource: { file: 'built-in runbook' } });
      expect(config.rules.policies).toMatchObject([{ name: 'default', target: 3_600_000, calendar: 'round-the-clock' }]);
      expect(config.rules.policies[0]?.marks.map((m) => m.emoji)).toEqual(['⚡', '❗', '⚠️']);
      expect(config.rules.duty.targets).toEqual([expect.objectContaining({ name: 'duty-log', connector: 'log' })]);
      expect(describeRunbook(config.rules)).toBe('24/7, first response 60 min, marks at 45/55/60 min');
    });

    it('still measures, without notices, when hub.yaml turns the log output off, and says so', () => {
      const config = loadConfig(files('connectors:\n  http:\n    enabled: true\n    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n', undefined));
      expect(config.runbook).toBe('built-in');
      expect(config.rules.policies[0]?.marks.map((m) => m.actions)).toEqual([[], [], []]);
      expect(config.rules.duty.targets).toEqual([]);
      expect(runbookNotice(config.runbook, config.rulesFile, config.rules)).toMatch(/built-in runbook \(24\/7, .*\), but the log output is turned off in hub.yaml, so its marks notify nobody;/);
      const withLog = loadConfig(files('connectors:\n  log:\n    enabled: true\n', undefined));
      expect(withLog.rules.duty.targets).toHaveLength(1);
      expect(runbookNotice(withLog.runbook, withLog.rulesFile, withLog.rules)).not.toMatch(/notify nobody/);
    });

    it('is never used for a rules file that was named but is missing', () => {
      expect(() => loadConfig({ RULES_FILE: 'missing/rules.yaml' })).toThrow(/missing\/rules.yaml: cannot read the file \(ENOENT\)/);
    });

    it('the demo runbook replaces even an existing rules file', () => {
      const env = files('{}', 'version: 1\n');
      const config = loadConfig(env, { runbook: 'demo' });
      expect(config.runbook).toBe('demo');
      expect(describeRunbook(config.rules)).toBe('24/7, first response 3 min, marks at 1/2/3 min');
      expect(loadConfig(env).runbook).toBe('file');
    });
  });
});
