import path from 'node:path';
import { Module } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { loadConfig } from '../core/config/load-config';
import { HUB_CONFIG } from '../core/config/settings.tokens';
import { telegramWiring } from '../connectors/telegram/telegram.providers';
import { RulesStore } from '../core/rules/rules-store';
import { FIRST_PARTY_CONNECTORS } from '../hub.module';
import { loadExternalPlugins } from '../plugins/host/external-plugins';
import { ConnectorRegistry } from '../plugins/registry/connector-registry';
import { checkRulesTargets } from '../plugins/registry/rules-check';

/** Everything start-up validates, without opening the database or any connection. */
export async function runCheckConfig(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const config = loadConfig(env);
  const plugins = loadExternalPlugins(config.hub.plugins, path.dirname(path.resolve(env.HUB_CONFIG ?? 'config/hub.yaml')));
  const connectors = [...FIRST_PARTY_CONNECTORS, ...plugins];

  const telegram = telegramWiring(config, new RulesStore(config.rules));

  @Module({
    imports: [DiscoveryModule, ...telegram.imports],
    providers: [{ provide: HUB_CONFIG, useValue: config }, ...telegram.connectorProviders, ...connectors, ConnectorRegistry],
  })
  class CheckModule {}

  const context = await NestFactory.createApplicationContext(CheckModule, { logger: false, abortOnError: false });
  try {
    const registry = context.get(ConnectorRegistry);
    registry.load();
    const outbound = registry.enabledOutbound().map((e) => e.connector.manifest.id);
    checkRulesTargets(config.rules, config.rulesSource, (id) => registry.isEnabledOutbound(id), outbound);
    const inbound = registry.enabledInbound().map((e) => e.connector.manifest.id);
    process.stdout.write(
      `configuration is valid\n` +
        `  hub:        ${config.hubSource.file}\n` +
        `  rules:      ${config.rulesSource.file} (${config.rules.staff.length} staff, ${config.rules.duty.targets.length} duty targets)\n` +
        `  database:   ${config.hub.database.url ? 'PostgreSQL server' : `embedded in ${config.hub.database.dataDir}`}\n` +
        `  inbound:    ${inbound.join(', ') || 'none'}\n` +
        `  outbound:   ${outbound.join(', ') || 'none'}\n`,
    );
    return 0;
  } finally {
    await context.close();
  }
}
