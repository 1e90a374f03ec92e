import path from 'node:path';
import { type LoadedConfig } from '../../core/config/load-config';
import { type ReplywatchPlugin } from '../sdk/connector';
import { ConnectorCatalog } from './connector-catalog';
import { loadPlugins } from './plugin-loader';

/** Where hub.yaml's relative plugin paths start: the folder of hub.yaml, or the working directory. */
export function pluginBaseDir(config: LoadedConfig): string {
  return config.builtIn ? process.cwd() : path.dirname(path.resolve(config.hubSource.file));
}

/**
 * Every connector is loaded and every setting checked before the database is opened. Kept
 * apart from the hub module so that CLI commands which only check settings (send,
 * check-config, mail check) load the connectors, not Nest and the database layer.
 */
export function buildCatalog(config: LoadedConfig, plugins: readonly ReplywatchPlugin[] = []): ConnectorCatalog {
  return new ConnectorCatalog(loadPlugins({ modules: config.hub.plugins, baseDir: pluginBaseDir(config), inline: plugins }), config);
}
