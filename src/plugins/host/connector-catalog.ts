import { ConfigError, type ConfigProblem, formatPath } from '../../core/config/config-error';
import { type LoadedConfig } from '../../core/config/load-config';
import { type Rules } from '../../core/config/rules.schema';
import { closest, knownNames } from '../../core/config/suggest';
import { type YamlSource } from '../../core/config/yaml-source';
import { performsDeliveries, readsChannel, type ConnectorDefinition } from '../sdk/connector';
import { collectSecrets, scrubSecrets } from '../sdk/secret';
import { type InstalledConnector } from './plugin-loader';

export interface EnabledConnector {
  definition: ConnectorDefinition<unknown>;
  origin: string;
  /** The settings after the connector's own schema (defaults applied). */
  config: unknown;
  /** Secret values of these settings, scrubbed from anything the connector's work produces. */
  secrets: string[];
  scrub: (text: string) => string;
}

/**
 * Which installed connectors run, with what settings: hub.yaml's `connectors:` sections (or,
 * without a hub.yaml, what each manifest enables by default), the environment variables each
 * manifest declares, each validated by the connector's own schema with located errors. All of
 * it before the database is opened, so a configuration error touches no data.
 */
export class ConnectorCatalog {
  readonly enabled: ReadonlyMap<string, EnabledConnector>;

  constructor(
    readonly installed: readonly InstalledConnector[],
    private readonly config: LoadedConfig,
  ) {
    this.enabled = this.enable();
    this.checkRules(config.rules, config.rulesSource);
  }

  installedIds(): string[] {
    return this.installed.map((i) => i.definition.manifest.id).sort();
  }

  inbound(): EnabledConnector[] {
    return [...this.enabled.values()].filter((e) => readsChannel(e.definition.manifest.direction));
  }

  outbound(): EnabledConnector[] {
    return [...this.enabled.values()].filter((e) => performsDeliveries(e.definition.manifest.direction));
  }

  /**
   * Every duty and ticket target must name an enabled outbound connector, and its `to:` must fit that
   * connector's target schema; otherwise its notifications would dead-letter. Run at start and
   * on every rules reload.
   */
  checkRules(rules: Rules, source: YamlSource): void {
    const problems: ConfigProblem[] = [];
    const outbound = this.outbound().map((e) => e.definition.manifest.id);
    const places = [
      ...rules.duty.targets.map((target, i) => ({ target, path: ['duty', 'targets', i] })),
      ...rules.tickets.targets.map((target, i) => ({ target, path: ['tickets', 'targets', i] })),
    ];
    for (const { target, path } of places) {
      const entry = this.enabled.get(target.connector);
      if (!entry || !performsDeliveries(entry.definition.manifest.direction)) {
        const list = outbound.length > 0 ? outbound.join(', ') : 'none';
        const guess = closest(target.connector, outbound);
        const hint = guess === undefined ? '' : `; did you mean "${guess}"?`;
        problems.push(source.problem([...path, 'connector'], `"${target.connector}" is not an enabled outbound connector${hint} (enabled: ${list})`));
        continue;
      }
      const schema = entry.definition.manifest.targetSchema;
      if (!schema) continue;
      try {
        source.validateValue(schema, target.to, [...path, 'to']);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems.push(...error.problems);
      }
    }
    if (problems.length > 0) throw new ConfigError(problems);
  }

  private enable(): Map<string, EnabledConnector> {
    const { hubSource } = this.config;
    const sections = this.sections();
    const problems: ConfigProblem[] = [];
    const enabled = new Map<string, EnabledConnector>();
    for (const [id, section] of Object.entries(sections)) {
      if (!section.enabled) continue;
      const installed = this.installed.find((i) => i.definition.manifest.id === id);
      if (!installed) {
        problems.push(hubSource.problem(['connectors', id], `no connector "${id}" is installed; ${knownNames(id, this.installedIds(), 'connectors')}`));
        continue;
      }
      // `delivery` is the outbox's policy for this connector, checked with the hub's settings.
      const { enabled: _enabled, delivery: _delivery, ...settings } = section;
      // Settings from the environment are reported under their variable, never their value.
      const source = hubSource.withValue(hubSource.value, this.applyEnvironment(installed.definition, settings, id));
      try {
        const config = source.validateValue(installed.definition.manifest.configSchema, settings, ['connectors', id]);
        const secrets = collectSecrets(installed.definition.manifest.configSchema, config);
        enabled.set(id, { definition: installed.definition, origin: installed.origin, config, secrets, scrub: (text) => scrubSecrets(text, secrets) });
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems.push(...error.problems);
      }
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return enabled;
  }

  /** hub.yaml's sections; without a hub.yaml, the ones the manifests turn on. */
  private sections(): Record<string, { enabled: boolean } & Record<string, unknown>> {
    const sections = { ...this.config.hub.connectors };
    if (!this.config.builtIn) return sections;
    for (const { definition } of this.installed) {
      const { id, enabledByDefault, environment = {} } = definition.manifest;
      const bySetting = Object.entries(environment).some(([variable, setting]) => setting.enables === true && nonEmpty(this.config.environment[variable]));
      if ((enabledByDefault || bySetting) && !(id in sections)) sections[id] = { enabled: true };
    }
    return sections;
  }

  /** Sets the keys the manifest maps to environment variables; returns their hub.yaml path (`connectors.<id>.<key>`) → variable. */
  private applyEnvironment(definition: ConnectorDefinition<unknown>, settings: Record<string, unknown>, id: string): Map<string, string> {
    const applied = new Map<string, string>();
    for (const [variable, setting] of Object.entries(definition.manifest.environment ?? {})) {
      const value = this.config.environment[variable];
      if (!nonEmpty(value)) continue;
      setIn(settings, setting.key.split('.'), value);
      applied.set(formatPath(['connectors', id, ...setting.key.split('.')]), variable);
    }
    return applied;
  }
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

function setIn(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const child = node[key];
    if (child === null || typeof child !== 'object' || Array.isArray(child)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}
