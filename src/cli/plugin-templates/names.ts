/** Which way the generated connector works; duplex is left to hand-written plugins. */
export type PluginDirection = 'outbound' | 'inbound';

/** Starts with a letter, so that the id also yields valid identifiers (`team-chat` → `teamChat`). */
export const PLUGIN_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

export interface PluginNames {
  /** The connector id, its hub.yaml section and (inbound) its channel: `team-chat`. */
  id: string;
  packageName: string;
  /** `teamChat`, the stem of the generated identifiers. */
  camel: string;
  /** `TeamChat`, for type names. */
  pascal: string;
  /** `Team Chat`, for people. */
  title: string;
  /** `TEAM_CHAT`, for environment variables in the examples. */
  env: string;
}

export function pluginNames(id: string): PluginNames {
  const words = id.split('-');
  const capital = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);
  const pascal = words.map(capital).join('');
  return {
    id,
    packageName: `replywatch-plugin-${id}`,
    camel: pascal.charAt(0).toLowerCase() + pascal.slice(1),
    pascal,
    title: words.map(capital).join(' '),
    env: words.join('_').toUpperCase(),
  };
}

export interface TemplateInput {
  names: PluginNames;
  direction: PluginDirection;
  /** npm spec of the `replywatch` devDependency (the SDK and the kit the tests build against). */
  sdkSpec: string;
}

export interface GeneratedFile {
  /** Relative to the package folder, with forward slashes. */
  path: string;
  content: string;
}
