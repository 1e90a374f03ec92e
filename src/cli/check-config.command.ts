import { loadConfig } from '../core/config/load-config';
import { buildCatalog } from '../hub.module';

/** Everything start-up validates, without opening the database or any connection. */
export async function runCheckConfig(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // Async so that a bad configuration is a rejected promise, like every other command's.
  await Promise.resolve();
  const config = loadConfig(env);
  const catalog = buildCatalog(config);
  const ids = (list: ReadonlyArray<{ definition: { manifest: { id: string } } }>) => list.map((e) => e.definition.manifest.id).join(', ') || 'none';
  process.stdout.write(
    `configuration is valid\n` +
      `  hub:        ${config.hubSource.file}\n` +
      `  rules:      ${config.rulesSource.file} (${config.rules.staff.length} staff, ${config.rules.duty.targets.length} duty targets)\n` +
      `  database:   ${config.hub.database.url ? 'PostgreSQL server' : `embedded in ${config.hub.database.dataDir}`}\n` +
      `  inbound:    ${ids(catalog.inbound())}\n` +
      `  outbound:   ${ids(catalog.outbound())}\n` +
      `  installed:  ${catalog.installedIds().join(', ')}\n`,
  );
  return 0;
}
