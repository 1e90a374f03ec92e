import { runbookNotice } from '../core/config/built-in-runbooks';
import { loadConfig, type LoadedConfig } from '../core/config/load-config';
import { buildCatalog } from '../plugins/host/build-catalog';
import { type ConnectorCatalog } from '../plugins/host/connector-catalog';

/** Everything start-up validates, without opening the database or any connection. */
export function checkConfig(env: NodeJS.ProcessEnv): LoadedConfig & { catalog: ConnectorCatalog } {
  const config = loadConfig(env);
  return { ...config, catalog: buildCatalog(config) };
}

export async function runCheckConfig(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // Async so that a bad configuration is a rejected promise, like every other command's.
  await Promise.resolve();
  const config = checkConfig(env);
  const { catalog } = config;
  const notice = runbookNotice(config.runbook, config.rulesFile, config.rules);
  const ids = (list: ReadonlyArray<{ definition: { manifest: { id: string } } }>) => list.map((e) => e.definition.manifest.id).join(', ') || 'none';
  process.stdout.write(
    `configuration is valid\n` +
      `  hub:        ${config.hubSource.file}\n` +
      `  rules:      ${config.rulesSource.file} (${config.rules.staff.length} staff, ${config.rules.duty.targets.length} duty targets${config.rules.tickets.targets.length > 0 ? `, ${config.rules.tickets.targets.length} ticket targets` : ''})\n` +
      (notice ? `              ${notice}\n` : '') +
      `  database:   ${config.hub.database.url ? 'PostgreSQL server' : `embedded in ${config.hub.database.dataDir}`}\n` +
      `  inbound:    ${ids(catalog.inbound())}\n` +
      `  outbound:   ${ids(catalog.outbound())}\n` +
      `  installed:  ${catalog.installedIds().join(', ')}\n` +
      config.notices.map((line) => `  warning:    ${line}\n`).join(''),
  );
  return 0;
}
