import { Inject, Injectable, Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { ConfigError, type ConfigProblem } from '../../core/config/config-error';
import { HUB_CONFIG } from '../../core/config/settings.tokens';
import { type LoadedConfig } from '../../core/config/load-config';
import { type OutboundDispatcher } from '../../core/outbox/outbound-dispatcher';
import { type AnyConnector, type Health, type InboundConnector, isInbound, isOutbound, type OutboundConnector } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import { type Delivery, type DeliveryResult } from '../contract/delivery';
import { collectSecrets } from '../contract/secret';
import { ReplywatchConnector } from './connector.decorator';
import { manifestProblems } from './manifest-check';

export interface EnabledConnector<C extends AnyConnector> {
  connector: C;
  config: unknown;
  /** Secret values of this connector's config, scrubbed from any error text it produces. */
  secrets: string[];
}

/** Raised at boot when the installed connectors themselves are inconsistent. */
export class PluginError extends Error {
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'PluginError';
  }
}

const VERIFY_TIMEOUT_MS = 10_000;

/**
 * Finds every @ReplywatchConnector provider, checks manifests and ids, validates the settings of
 * the enabled ones against their own schemas, and is the outbox's way to reach them.
 */
@Injectable()
export class ConnectorRegistry implements OutboundDispatcher {
  private readonly logger = new Logger(ConnectorRegistry.name);
  private readonly installed = new Map<string, AnyConnector>();
  private readonly inbound = new Map<string, EnabledConnector<InboundConnector>>();
  private readonly outbound = new Map<string, EnabledConnector<OutboundConnector>>();
  private loaded = false;

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(HUB_CONFIG) private readonly config: LoadedConfig,
  ) {}

  /** Idempotent; runs on first use so every module's providers are known. */
  load(): void {
    if (this.loaded) return;
    this.discover();
    this.enable();
    this.loaded = true;
  }

  enabledInbound(): Array<EnabledConnector<InboundConnector>> {
    this.load();
    return [...this.inbound.values()];
  }

  enabledOutbound(): Array<EnabledConnector<OutboundConnector>> {
    this.load();
    return [...this.outbound.values()];
  }

  isEnabledOutbound(id: string): boolean {
    this.load();
    return this.outbound.has(id);
  }

  installedIds(): string[] {
    this.load();
    return [...this.installed.keys()].sort();
  }

  async deliver(connectorId: string, delivery: Delivery): Promise<DeliveryResult> {
    this.load();
    const entry = this.outbound.get(connectorId);
    if (!entry) throw new ConnectorError('NOT_FOUND', `outbound connector "${connectorId}" is not enabled on this hub`);
    try {
      return await entry.connector.deliver(entry.config, delivery);
    } catch (error) {
      throw scrub(error, entry.secrets);
    }
  }

  /** The error with this connector's secrets replaced, for logs and /health. */
  scrubError(connectorId: string, error: unknown): Error {
    const entry = this.inbound.get(connectorId) ?? this.outbound.get(connectorId);
    return scrub(error, entry?.secrets ?? []);
  }

  /** verify() of every enabled connector, each bounded in time; never throws. */
  async verifyAll(): Promise<Record<string, Health>> {
    this.load();
    const entries = [...new Set([...this.inbound.values(), ...this.outbound.values()])];
    const results = await Promise.all(entries.map((e) => this.verifyOne(e)));
    return Object.fromEntries(entries.map((e, i) => [e.connector.manifest.id, results[i] as Health]));
  }

  private async verifyOne(entry: EnabledConnector<AnyConnector>): Promise<Health> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Health>((resolve) => {
      timer = setTimeout(() => resolve({ status: 'down', detail: `verify() took longer than ${VERIFY_TIMEOUT_MS / 1000}s` }), VERIFY_TIMEOUT_MS);
    });
    try {
      const health = await Promise.race([entry.connector.verify(entry.config), timeout]);
      return health.detail === undefined ? health : { ...health, detail: scrub(new Error(health.detail), entry.secrets).message };
    } catch (error) {
      return { status: 'down', detail: scrub(error, entry.secrets).message };
    } finally {
      clearTimeout(timer);
    }
  }

  private discover(): void {
    const problems: string[] = [];
    for (const wrapper of this.discovery.getProviders({ metadataKey: ReplywatchConnector.KEY })) {
      const instance = wrapper.instance as AnyConnector | undefined;
      const source = wrapper.metatype?.name ?? String(wrapper.token);
      if (!instance) continue;
      const found = manifestProblems(instance, source);
      if (found.length > 0) {
        problems.push(...found);
        continue;
      }
      const id = instance.manifest.id;
      const existing = this.installed.get(id);
      if (existing) {
        problems.push(`connector id "${id}" is declared twice (${existing.constructor.name} and ${source}); ids must be unique`);
        continue;
      }
      this.installed.set(id, instance);
      this.logger.log(`connector ${id} (${instance.manifest.direction}, contract v${instance.manifest.contractVersion}) installed from ${source}`);
    }
    if (problems.length > 0) throw new PluginError(problems);
  }

  private enable(): void {
    const { hub, hubSource } = this.config;
    const problems: ConfigProblem[] = [];
    for (const [id, section] of Object.entries(hub.connectors)) {
      if (!section.enabled) continue;
      const connector = this.installed.get(id);
      if (!connector) {
        const known = [...this.installed.keys()].sort().join(', ') || 'none';
        problems.push(hubSource.problem(['connectors', id], `no connector "${id}" is installed (installed: ${known})`));
        continue;
      }
      const { enabled: _enabled, ...settings } = section;
      try {
        const config = hubSource.validateValue(connector.manifest.configSchema, settings, ['connectors', id]);
        const entry = { connector, config, secrets: collectSecrets(connector.manifest.configSchema, config) };
        // A duplex connector sits in both maps with the same entry.
        if (isInbound(connector)) this.inbound.set(id, entry as EnabledConnector<InboundConnector>);
        if (isOutbound(connector)) this.outbound.set(id, entry as EnabledConnector<OutboundConnector>);
        this.logger.log(`connector ${id} enabled`);
      } catch (error) {
        if (error instanceof ConfigError) problems.push(...error.problems);
        else throw error;
      }
    }
    if (problems.length > 0) throw new ConfigError(problems);
  }
}

/** Connector errors can quote URLs or headers; a configured secret never leaves this process. */
function scrub(error: unknown, secrets: readonly string[]): Error {
  const base = error instanceof Error ? error : new Error(String(error));
  const clean = (text: string) => secrets.reduce((acc, s) => (s.length >= 4 ? acc.split(s).join('[redacted]') : acc), text);
  const message = clean(base.message);
  if (message === base.message) return base;
  if (base instanceof ConnectorError) {
    return new ConnectorError(base.code, message, base.retryAfterMs === undefined ? {} : { retryAfterMs: base.retryAfterMs });
  }
  return new Error(message);
}
