import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { type ConnectorDefinition, type ReplywatchPlugin } from '../sdk/connector';
import { CONTRACT_VERSION, contractMismatch } from '../sdk/version';
import { manifestProblems } from './manifest-check';

/** Raised at boot when the installed plugins themselves are inconsistent. */
export class PluginError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'PluginError';
  }
}

export interface InstalledConnector {
  definition: ConnectorDefinition<unknown>;
  /** Where it came from, for messages: `first-party telegram`, `plugin ./plugins/x.js`. */
  origin: string;
}

/** First-party connectors live beside the host, one folder each with an index exporting `replywatchPlugin`. */
const FIRST_PARTY_DIR = path.resolve(__dirname, '../../connectors');

/**
 * Loads every connector: the first-party folders and the plugin modules listed in hub.yaml,
 * through the same door — each module exports `replywatchPlugin` written for a contract
 * version this hub speaks. Ids must be unique across all of them.
 */
export function loadPlugins(options: { modules: ReadonlyArray<{ module: string }>; baseDir: string; inline?: readonly ReplywatchPlugin[] }): InstalledConnector[] {
  const sources: Array<{ origin: string; load: (problems: string[]) => ReplywatchPlugin | undefined }> = [
    ...firstPartyModules().map((file) => {
      const origin = `first-party ${path.basename(file)}`;
      return { origin, load: (problems: string[]) => requirePlugin(file, origin, problems) };
    }),
    ...options.modules.map(({ module }) => {
      const origin = `plugin ${module}`;
      const specifier = module.startsWith('.') ? path.resolve(options.baseDir, module) : module;
      return { origin, load: (problems: string[]) => requirePlugin(specifier, origin, problems) };
    }),
    // Plugins handed over as objects (an embedding program, tests) pass the same checks.
    ...(options.inline ?? []).map((plugin, i) => {
      const origin = `plugin ${plugin.name ?? `#${i + 1}`}`;
      return { origin, load: (problems: string[]) => checkPlugin({ replywatchPlugin: plugin }, origin, problems) };
    }),
  ];
  const problems: string[] = [];
  const byId = new Map<string, InstalledConnector>();
  for (const source of sources) {
    const plugin = source.load(problems);
    if (!plugin) continue;
    for (const definition of plugin.connectors) {
      const found = manifestProblems(definition, source.origin);
      if (found.length > 0) {
        problems.push(...found);
        continue;
      }
      const id = definition.manifest.id;
      const existing = byId.get(id);
      if (existing) {
        problems.push(`connector id "${id}" is declared twice (${existing.origin} and ${source.origin}); ids must be unique`);
        continue;
      }
      byId.set(id, { definition: definition as ConnectorDefinition<unknown>, origin: source.origin });
    }
  }
  if (problems.length > 0) throw new PluginError(problems);
  return [...byId.values()];
}

function firstPartyModules(): string[] {
  if (!existsSync(FIRST_PARTY_DIR)) return [];
  return readdirSync(FIRST_PARTY_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && ['index.js', 'index.ts'].some((file) => existsSync(path.join(FIRST_PARTY_DIR, entry.name, file))))
    .map((entry) => path.join(FIRST_PARTY_DIR, entry.name))
    .sort();
}

function requirePlugin(specifier: string, origin: string, problems: string[]): ReplywatchPlugin | undefined {
  let exported: { replywatchPlugin?: unknown };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = require(specifier) as { replywatchPlugin?: unknown };
  } catch (error) {
    problems.push(`${origin}: cannot be loaded (${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)})`);
    return undefined;
  }
  return checkPlugin(exported, origin, problems);
}

function checkPlugin(exported: { replywatchPlugin?: unknown }, origin: string, problems: string[]): ReplywatchPlugin | undefined {
  const plugin = exported.replywatchPlugin as Partial<ReplywatchPlugin> | undefined;
  if (!plugin || typeof plugin !== 'object' || !Array.isArray(plugin.connectors)) {
    problems.push(`${origin}: does not export replywatchPlugin = { contractVersion: '${CONTRACT_VERSION}', connectors: [...] }`);
    return undefined;
  }
  const mismatch = contractMismatch(CONTRACT_VERSION, plugin.contractVersion);
  if (mismatch) {
    problems.push(`${origin} ${mismatch}`);
    return undefined;
  }
  return plugin as ReplywatchPlugin;
}
