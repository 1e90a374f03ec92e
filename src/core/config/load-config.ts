import { existsSync } from 'node:fs';
import { z } from 'zod';
import { type RunbookKind, type RunbookOrigin, RUNBOOKS, runbookRules } from './built-in-runbooks';
import { ConfigError, formatPath } from './config-error';
import { hubConfigSchema, type HubConfig } from './hub-config.schema';
import { besideHub, hubPathNotice, resolveRulesPaths } from './relative-paths';
import { rulesSchema, type Rules } from './rules.schema';
import { YamlSource } from './yaml-source';

export const DEFAULT_HUB_FILE = 'config/hub.yaml';
const BUILT_IN_LABEL = 'built-in hub defaults';

export interface LoadedConfig {
  hub: HubConfig;
  /** Kept so connector sections can be validated later with located errors. */
  hubSource: YamlSource;
  rules: Rules;
  rulesSource: YamlSource;
  /** No hub.yaml: connectors enable themselves as their manifests say (enabledByDefault, environment). */
  builtIn: boolean;
  /** Where the rules came from: the rules file, or a runbook the hub carries (see built-in-runbooks). */
  runbook: RunbookOrigin;
  /** The rules file looked for (read when `runbook` is `file`). */
  rulesFile: string;
  /** Connectors read their own variables from here (each manifest declares them). */
  environment: NodeJS.ProcessEnv;
  /** The hub.yaml read; undefined with the built-in defaults. Relative paths in it start at its folder. */
  hubFile?: string;
  /** Worth a warning at start (a path kept where older releases looked). */
  notices: string[];
}

/**
 * Environment variables that override hub.yaml, so containers can be configured without a
 * file. Each names the setting it replaces.
 */
const ENV_OVERRIDES: ReadonlyArray<{ variable: string; path: string[]; parse?: (v: string) => unknown }> = [
  { variable: 'DATABASE_URL', path: ['database', 'url'] },
  { variable: 'DATA_DIR', path: ['database', 'dataDir'] },
  { variable: 'HOST', path: ['server', 'host'] },
  { variable: 'PORT', path: ['server', 'port'], parse: parsePort },
  { variable: 'RULES_FILE', path: ['rulesFile'] },
  { variable: 'ADMIN_TOKEN', path: ['admin', 'token'] },
  { variable: 'LOG_LEVEL', path: ['log', 'level'] },
  { variable: 'LOG_PRETTY', path: ['log', 'pretty'], parse: parseSwitch('LOG_PRETTY', 'log.pretty') },
];

/**
 * Built-in deployment when there is no hub.yaml: embedded database and the connectors whose
 * manifests enable them by default (the signed HTTP channel, the log), or whose variable is set
 * (TELEGRAM_BOT_TOKEN) — the plugin host decides, from the manifests.
 */
const BUILT_IN_HUB = { connectors: {} };

export interface LoadOptions {
  /** `demo`: the demo runbook instead of any rules file (`replywatch start --demo`). */
  runbook?: Extract<RunbookKind, 'demo'>;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): LoadedConfig {
  const hubSource = readHubSource(env);
  const overridden = applyEnvOverrides(hubSource, env);
  const hub = overridden.validate(hubConfigSchema);
  const hubFile = hubSource.file === BUILT_IN_LABEL ? undefined : hubSource.file;
  const notices = hubSource.at(['database', 'dataDir']) === undefined ? [] : resolveDataDir(hub, hubFile, env);
  const disabled = Object.entries(hub.connectors).filter(([, section]) => !section.enabled).map(([id]) => ['connectors', id]);
  overridden.assertVariablesSet(disabled);
  const rulesFile = rulesFileOf(hub, hubFile, hubSource, env, notices);
  const runbook = runbookOf(rulesFile, env.RULES_FILE !== undefined || hubSource.at(['rulesFile']) !== undefined, options);
  // The log output is on unless a hub.yaml leaves it out or turns it off.
  const logOutput = hubSource.file === BUILT_IN_LABEL || hub.connectors.log?.enabled === true;
  const rulesSource = runbook === 'file' ? YamlSource.read(rulesFile, env) : YamlSource.fromValue(RUNBOOKS[runbook].label, runbookRules(runbook, { logOutput }));
  const rules = validateRules(rulesSource);
  return { hub, hubSource: overridden, rules, rulesSource, builtIn: hubFile === undefined, runbook, rulesFile, environment: env, ...(hubFile ? { hubFile } : {}), notices };
}

/**
 * `database.dataDir` written in hub.yaml starts at hub.yaml's folder; DATA_DIR and the default
 * (`./data`) at the working directory, as nothing in a file names them.
 */
function resolveDataDir(hub: HubConfig, hubFile: string | undefined, env: NodeJS.ProcessEnv): string[] {
  if (hubFile === undefined || (env.DATA_DIR !== undefined && env.DATA_DIR !== '')) return [];
  const written = hub.database.dataDir;
  const kept = besideHub(hubFile, written, 'dataDir');
  hub.database.dataDir = kept.path;
  const notice = hubPathNotice(hubFile, 'database.dataDir', kept, written);
  return notice === undefined ? [] : [notice];
}

export function loadRules(file: string, env: NodeJS.ProcessEnv = process.env): { rules: Rules; source: YamlSource } {
  const source = YamlSource.read(file, env);
  return { rules: validateRules(source), source };
}

function validateRules(source: YamlSource): Rules {
  const rules = source.validate(rulesSchema);
  source.assertVariablesSet();
  resolveRulesPaths(rules, source);
  return rules;
}

/** RULES_FILE and the default are relative to the working directory; hub.yaml's `rulesFile` to hub.yaml. */
function rulesFileOf(hub: HubConfig, hubFile: string | undefined, hubSource: YamlSource, env: NodeJS.ProcessEnv, notices: string[]): string {
  const named = env.RULES_FILE === undefined || env.RULES_FILE === '' ? hubSource.at(['rulesFile']) : undefined;
  if (typeof named !== 'string' || hubFile === undefined) return hub.rulesFile;
  const kept = besideHub(hubFile, named);
  const notice = hubPathNotice(hubFile, 'rulesFile', kept, named);
  if (notice !== undefined) notices.push(notice);
  return kept.path;
}

function readHubSource(env: NodeJS.ProcessEnv): YamlSource {
  const explicit = env.HUB_CONFIG;
  const file = explicit ?? DEFAULT_HUB_FILE;
  if (!explicit && !existsSync(file)) return YamlSource.fromValue(BUILT_IN_LABEL, BUILT_IN_HUB);
  return YamlSource.read(file, env);
}

/** A rules file that was named (RULES_FILE, hub.yaml's `rulesFile`) must exist; the default may not. */
function runbookOf(file: string, named: boolean, options: LoadOptions): RunbookOrigin {
  if (options.runbook) return options.runbook;
  return !named && !existsSync(file) ? 'built-in' : 'file';
}

/** Each value set from the environment keeps its origin, so an error names the variable. */
function applyEnvOverrides(source: YamlSource, env: NodeJS.ProcessEnv): YamlSource {
  const value = structuredClone(source.value ?? {}) as Record<string, unknown>;
  const origins = new Map<string, string>();
  for (const override of ENV_OVERRIDES) {
    const raw = env[override.variable];
    if (raw === undefined || raw === '') continue;
    setIn(value, override.path, override.parse ? override.parse(raw) : raw);
    origins.set(formatPath(override.path), override.variable);
  }
  return source.withValue(value, origins);
}

function setIn(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  keys.slice(0, -1).forEach((key) => {
    const child = node[key];
    if (child === null || typeof child !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  });
  node[keys[keys.length - 1] as string] = value;
}

/** true/false (also 1/0, yes/no, on/off) for a boolean setting, the variable named when it is neither. */
function parseSwitch(variable: string, setting: string): (raw: string) => boolean {
  return (raw) => {
    const word = raw.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(word)) return true;
    if (['false', '0', 'no', 'off'].includes(word)) return false;
    throw new ConfigError([{ file: 'environment', variable, path: setting, message: 'expected true or false' }]);
  };
}

function parsePort(raw: string): number {
  const port = z.coerce.number().int().min(0).max(65535).safeParse(raw);
  if (!port.success) throw new ConfigError([{ file: 'environment', variable: 'PORT', path: 'server.port', message: 'expected a port number 0-65535' }]);
  return port.data;
}
