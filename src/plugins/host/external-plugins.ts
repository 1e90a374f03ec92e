import path from 'node:path';
import { Injectable, type Type } from '@nestjs/common';
import { ReplywatchConnector } from '../registry/connector.decorator';
import { PluginError } from '../registry/connector-registry';

/** What a plugin package exports as `replywatchPlugin`. */
export interface ReplywatchPlugin {
  contractVersion: number;
  connectors: Array<Type<unknown>>;
}

/**
 * Loads the plugin modules named in hub.yaml. The host applies the connector decorator
 * itself, so a plugin built against its own copy of this package is still discovered.
 */
export function loadExternalPlugins(modules: ReadonlyArray<{ module: string }>, baseDir: string): Array<Type<unknown>> {
  const classes: Array<Type<unknown>> = [];
  for (const { module } of modules) {
    const specifier = module.startsWith('.') ? path.resolve(baseDir, module) : module;
    let exported: { replywatchPlugin?: ReplywatchPlugin };
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      exported = require(specifier) as { replywatchPlugin?: ReplywatchPlugin };
    } catch (error) {
      throw new PluginError([`plugin ${module}: cannot be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`]);
    }
    const plugin = exported.replywatchPlugin;
    if (!plugin || !Array.isArray(plugin.connectors)) throw new PluginError([`plugin ${module}: does not export replywatchPlugin = { contractVersion, connectors: [...] }`]);
    for (const connector of plugin.connectors) {
      Injectable()(connector);
      ReplywatchConnector()(connector);
      classes.push(connector);
    }
  }
  return classes;
}
