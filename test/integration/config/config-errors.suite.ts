import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../src/core/config/config-error';
import { loadConfig, loadRules } from '../../../src/core/config/load-config';
import { buildCatalog } from '../../../src/plugins/host/build-catalog';

/** Writes files into a fresh folder; returns their paths by name. */
const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function folder<K extends string>(files: Record<K, string>): Record<K | 'dir', string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'replywatch-config-errors-'));
  scratch.push(dir);
  const paths = { dir } as Record<K | 'dir', string>;
  for (const [name, text] of Object.entries(files) as Array<[K, string]>) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    paths[name] = file;
  }
  return paths;
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

const CALENDAR = '{ timezone: UTC, alwaysOpen: true }';

describe('configuration errors point at what to fix', () => {
  describe('environment overrides name the variable', () => {
    it('reports a malformed ADMIN_TOKEN under its name, with the setting it replaces, without the value', () => {
      const { 'hub.yaml': hub, 'rules.yaml': rules } = folder({ 'hub.yaml': 'admin:\n  token: ${ADMIN_TOKEN:-}\n', 'rules.yaml': 'version: 1\n' });
      for (const env of [{ RULES_FILE: rules }, { HUB_CONFIG: hub, RULES_FILE: rules }]) {
        const error = errorOf(() => loadConfig({ ...env, ADMIN_TOKEN: 'shorty' }));
        expect(error.message).toBe('environment variable ADMIN_TOKEN (admin.token): expected at least 16 characters');
      }
    });

    it('lets an override stand in for a placeholder of the file whose variable is unset', () => {
      const { 'hub.yaml': hub, 'rules.yaml': rules } = folder({ 'hub.yaml': 'admin:\n  token: ${ADMIN_SECRET_TOKEN}\n', 'rules.yaml': 'version: 1\n' });
      expect(loadConfig({ HUB_CONFIG: hub, RULES_FILE: rules, ADMIN_TOKEN: 'a-long-enough-admin-token' }).hub.admin.token).toBe('a-long-enough-admin-token');
    });

    it('reports a malformed TELEGRAM_BOT_TOKEN under its name, not as the built-in defaults, without the value', () => {
      const { 'rules.yaml': rules } = folder({ 'rules.yaml': 'version: 1\n' });
      const error = errorOf(() => buildCatalog(loadConfig({ RULES_FILE: rules, TELEGRAM_BOT_TOKEN: 'not-a-bot-token' })));
      expect(error.message).toBe('environment variable TELEGRAM_BOT_TOKEN (connectors.telegram.token): expected a bot token from @BotFather, like 123456789:AA…');
    });

    it('names TELEGRAM_BOT_TOKEN, not the hub.yaml line, when it overrides a placeholder there, and hides a value that looks nearly right', () => {
      const secretish = '12345:short-secret-value';
      const { 'hub.yaml': hub, 'rules.yaml': rules } = folder({
        'hub.yaml': 'connectors:\n  telegram:\n    enabled: true\n    token: ${TELEGRAM_BOT_TOKEN}\n',
        'rules.yaml': 'version: 1\n',
      });
      const error = errorOf(() => buildCatalog(loadConfig({ HUB_CONFIG: hub, RULES_FILE: rules, TELEGRAM_BOT_TOKEN: secretish })));
      expect(error.problems).toEqual([expect.objectContaining({ file: 'environment', variable: 'TELEGRAM_BOT_TOKEN', path: 'connectors.telegram.token' })]);
      expect(error.message).toMatch(/^environment variable TELEGRAM_BOT_TOKEN \(connectors\.telegram\.token\): /);
      expect(error.message).not.toContain(secretish);
      expect(error.message).not.toContain('short-secret-value');
    });
  });

  describe('names the nearest known name for a typo', () => {
    it('suggests the installed connector for a misspelled connectors: section, and lists them all', () => {
      const { 'hub.yaml': hub, 'rules.yaml': rules } = folder({ 'hub.yaml': 'connectors:\n  telegarm:\n    enabled: true\n', 'rules.yaml': 'version: 1\n' });
      const error = errorOf(() => buildCatalog(loadConfig({ HUB_CONFIG: hub, RULES_FILE: rules })));
      expect(error.message).toBe(`${hub}:2:3 connectors.telegarm: no connector "telegarm" is installed; did you mean "telegram"? (known connectors: http, log, mail, slack, telegram, tracker, webhook, zendesk)`);
    });

    it('lists the installed connectors without a guess when nothing is close', () => {
      const { 'hub.yaml': hub, 'rules.yaml': rules } = folder({ 'hub.yaml': 'connectors:\n  jira:\n    enabled: true\n', 'rules.yaml': 'version: 1\n' });
      const error = errorOf(() => buildCatalog(loadConfig({ HUB_CONFIG: hub, RULES_FILE: rules })));
      expect(error.message).toBe(`${hub}:2:3 connectors.jira: no connector "jira" is installed; known connectors: http, log, mail, slack, telegram, tracker, webhook, zendesk`);
    });
  });

  describe('${VAR} is replaced in parsed values, so it works unquoted anywhere a plain value may stand', () => {
    const rulesWithTarget = (to: string) => `version: 1\nduty:\n  targets:\n    - { name: duty, connector: log, to: ${to} }\n`;

    it('inside a flow mapping, the style of the examples', () => {
      const { 'rules.yaml': file } = folder({ 'rules.yaml': rulesWithTarget('{ chatId: ${DUTY_CHAT_ID}, topicId: 7 }') });
      expect(loadRules(file, { DUTY_CHAT_ID: '-1001234567890' }).rules.duty.targets[0]?.to).toEqual({ chatId: '-1001234567890', topicId: 7 });
    });

    it('takes a value with YAML-special characters verbatim: it is never parsed as YAML', () => {
      const tricky = 'a: b, {c} [d] #e "f\' &g *h';
      const { 'rules.yaml': file } = folder({ 'rules.yaml': rulesWithTarget('{ chatId: ${DUTY_CHAT_ID}, note: "x ${DUTY_CHAT_ID} y" }') });
      expect(loadRules(file, { DUTY_CHAT_ID: tricky }).rules.duty.targets[0]?.to).toEqual({ chatId: tricky, note: `x ${tricky} y` });
    });

    it('keeps a default with commas or a " #" whole', () => {
      const { 'rules.yaml': file } = folder({ 'rules.yaml': rulesWithTarget('{ chatId: ${DUTY_CHAT_ID:-a, b #c} }') });
      expect(loadRules(file, {}).rules.duty.targets[0]?.to).toEqual({ chatId: 'a, b #c' });
    });

    it('locates an unset variable at its file, line, column and key, and names it', () => {
      const { 'rules.yaml': file } = folder({ 'rules.yaml': rulesWithTarget('{ chatId: ${DUTY_CHAT_ID} }') });
      expect(errorOf(() => loadRules(file, {})).message).toBe(`${file}:4:51 duty.targets[0].to.chatId: environment variable DUTY_CHAT_ID is not set`);
    });

    it('keeps the columns of everything after a placeholder on the same line', () => {
      const { 'hub.yaml': hub, 'rules.yaml': rules } = folder({ 'hub.yaml': 'server: { host: ${HOST_NAME_OF_THIS_HUB}, port: eighty }\n', 'rules.yaml': 'version: 1\n' });
      expect(errorOf(() => loadConfig({ HUB_CONFIG: hub, RULES_FILE: rules, HOST_NAME_OF_THIS_HUB: 'h' })).message).toMatch(new RegExp(`^${hub}:1:49 server\\.port: .*expected number`));
    });
  });

  describe('unknown keys and names come with the known ones', () => {
    it('suggests the nearest key and lists the keys of that section', () => {
      const { 'hub.yaml': hub, 'rules.yaml': rules } = folder({ 'hub.yaml': 'sever: {}\nserver:\n  prot: 3000\n', 'rules.yaml': 'version: 1\n' });
      const problems = errorOf(() => loadConfig({ HUB_CONFIG: hub, RULES_FILE: rules })).problems.map((p) => `${p.path}: ${p.message}`);
      expect(problems).toEqual([
        'server.prot: unknown key; did you mean "port"? (known keys: host, port, bodyLimit, requestTimeout, headersTimeout, keepAliveTimeout)',
        expect.stringMatching(/^sever: unknown key; did you mean "server"\? \(known keys: server, database, admin, console, log, rulesFile, .*plugins\)$/),
      ]);
    });

    it('does so inside a connector section too (its own schema)', () => {
      const { 'hub.yaml': hub, 'rules.yaml': rules } = folder({ 'hub.yaml': 'connectors:\n  log: { enabled: true, levle: warn }\n', 'rules.yaml': 'version: 1\n' });
      expect(errorOf(() => buildCatalog(loadConfig({ HUB_CONFIG: hub, RULES_FILE: rules }))).message).toMatch(/:2:32 connectors\.log\.levle: unknown key; did you mean "level"\?/);
    });

    it('lists the calendars and duty targets that exist for a name that does not', () => {
      const { 'rules.yaml': file } = folder({
        'rules.yaml': `version: 1\ncalendars:\n  support: ${CALENDAR}\n  nights: ${CALENDAR}\nduty:\n  targets: [{ name: duty-chat, connector: log }]\npolicies:\n  - { name: default, target: 60m, calendar: suport, marks: [{ at: 100%, level: breach, message: late, actions: [{ notify: [duty] }] }] }\nnotify:\n  inquiryOpened: [ops]\n`,
      });
      const problems = errorOf(() => loadRules(file, {})).problems.map((p) => `${p.path}: ${p.message}`);
      expect(problems).toEqual([
        'policies[0].calendar: unknown calendar; did you mean "support"? (known calendars: support, nights)',
        'policies[0].marks[0].actions[0].notify[0]: unknown duty target; did you mean "duty-chat"? (known duty targets: duty-chat)',
        'notify.inquiryOpened[0]: unknown duty target; known duty targets: duty-chat',
      ]);
    });
  });

  describe('values are never printed', () => {
    it('says what is wrong with a window without repeating it', () => {
      const { 'rules.yaml': file } = folder({ 'rules.yaml': 'version: 1\ncalendars:\n  c: { timezone: UTC, week: { mon: ["18:00-09:00"] } }\n' });
      const error = errorOf(() => loadRules(file, {}));
      expect(error.message).toMatch(/calendars\.c\.week\.mon\[0\]: ends before it starts/);
      expect(error.message).not.toContain('18:00-09:00');
    });

    it('scrubs a value a connector schema puts in its message (a duplicate webhook endpoint name)', () => {
      const endpoint = '{ name: hunter2-secret-ops, url: "https://ops.example.com/x", secretEnv: OPS_SECRET }';
      const { 'hub.yaml': hub, 'rules.yaml': rules } = folder({ 'hub.yaml': `connectors:\n  webhook:\n    endpoints: [${endpoint}, ${endpoint}]\n`, 'rules.yaml': 'version: 1\n' });
      const error = errorOf(() => buildCatalog(loadConfig({ HUB_CONFIG: hub, RULES_FILE: rules, OPS_SECRET: `whsec_${Buffer.alloc(32, 1).toString('base64')}` })));
      expect(error.message).toMatch(/connectors\.webhook\.endpoints\[1\]\.name: .*used by another endpoint/);
      expect(error.message).not.toContain('hunter2');
    });
  });

  it('names database.sharedBuffers and the expected form when the size is not one', () => {
    const { 'hub.yaml': hub } = folder({ 'hub.yaml': 'database:\n  sharedBuffers: lots\n' });
    expect(errorOf(() => loadConfig({ HUB_CONFIG: hub })).message).toBe(`${hub}:2:18 database.sharedBuffers: expected a size from 128kB to 1GB, such as 16MB or 128MB`);
  });

  describe('console tokens are unique across accounts, named by account and never by value', () => {
    const shared = 'a-shared-console-token-0123';
    const hubYaml = (viewerToken: string, operatorToken: string) =>
      `admin:\n  token: \${ADMIN_TOKEN}\nconsole:\n  viewers:\n    - { name: maria, token: ${viewerToken} }\n  operators:\n    - { name: oleg, token: ${operatorToken} }\n`;

    it('refuses a viewer token that is also an operator’s, at the later one’s line', () => {
      const { 'hub.yaml': hub, 'rules.yaml': rules } = folder({ 'hub.yaml': hubYaml(shared, shared), 'rules.yaml': 'version: 1\n' });
      const error = errorOf(() => loadConfig({ HUB_CONFIG: hub, RULES_FILE: rules, ADMIN_TOKEN: 'the-admin-token-0123456789' }));
      expect(error.message).toBe(`${hub}:7:28 console.operators[0].token: operator oleg has the same token as viewer maria; give each sign-in its own token`);
      expect(error.message).not.toContain(shared);
    });

    it('refuses a console token equal to admin.token, also when ADMIN_TOKEN sets it', () => {
      const { 'hub.yaml': hub, 'rules.yaml': rules } = folder({ 'hub.yaml': hubYaml(shared, 'operator-token-oleg-0123456789'), 'rules.yaml': 'version: 1\n' });
      const error = errorOf(() => loadConfig({ HUB_CONFIG: hub, RULES_FILE: rules, ADMIN_TOKEN: shared }));
      expect(error.message).toBe(`${hub}:5:29 console.viewers[0].token: viewer maria has the same token as admin.token; give each sign-in its own token`);
      expect(error.message).not.toContain(shared);
      expect(loadConfig({ HUB_CONFIG: hub, RULES_FILE: rules, ADMIN_TOKEN: 'the-admin-token-0123456789' }).hub.console.viewers).toHaveLength(1);
    });
  });

  describe('relative paths start at the folder of the file that names them', () => {
    const icsRules = (ics: string) => `version: 1\ncalendars:\n  support:\n    timezone: UTC\n    week: { mon-fri: ["09:00-18:00"] }\n    holidays:\n      ics: ${ics}\n`;

    it('reads a holiday file beside rules.yaml, wherever the hub was started', () => {
      const paths = folder({ 'config/rules.yaml': icsRules('{ file: ./holidays.ics }'), 'config/holidays.ics': 'BEGIN:VCALENDAR\nEND:VCALENDAR\n' });
      expect(loadRules(paths['config/rules.yaml'], {}).rules.calendars.support?.holidays.ics?.file).toBe(paths['config/holidays.ics']);
    });

    it('refuses to start on a holiday file that is not there, at its line', () => {
      const { 'rules.yaml': file } = folder({ 'rules.yaml': icsRules('{ file: ./holidays.ics }') });
      expect(errorOf(() => loadRules(file, {})).message).toBe(`${file}:7:20 calendars.support.holidays.ics.file: cannot read the file (ENOENT); a relative path starts at the folder of ${file}`);
    });

    it('leaves a URL feed to the holiday feeds (one that is down is a warning there, not a start failure)', () => {
      const { 'rules.yaml': file } = folder({ 'rules.yaml': icsRules('{ url: "http://127.0.0.1:9/holidays.ics" }') });
      expect(loadRules(file, {}).rules.calendars.support?.holidays.ics?.url).toBe('http://127.0.0.1:9/holidays.ics');
    });

    it('finds rulesFile beside hub.yaml, and export directories beside rules.yaml', () => {
      const paths = folder({ 'etc/hub.yaml': 'rulesFile: ./rules.yaml\n', 'etc/rules.yaml': 'version: 1\nreports:\n  exports: [{ name: q, directory: ./exports }]\n' });
      const config = loadConfig({ HUB_CONFIG: paths['etc/hub.yaml'] });
      expect(config.rulesSource.file).toBe(paths['etc/rules.yaml']);
      expect(config.rules.reports.exports[0]?.directory).toBe(path.join(paths.dir, 'etc', 'exports'));
    });
  });
});
