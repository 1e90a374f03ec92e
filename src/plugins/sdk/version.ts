/**
 * The connector contract described by this SDK, as `major.minor`. A minor release only adds
 * (a new optional service, a new payload event); a major one may change or remove. A hub
 * speaking 2.9 loads plugins written for 2.0 … 2.9 and refuses 2.10 (it lacks what they use)
 * and every other major. docs/PLUGINS.md keeps the changelog.
 */
export const CONTRACT_VERSION = '2.9';

export interface ContractVersion {
  major: number;
  minor: number;
}

export function parseContractVersion(value: unknown): ContractVersion | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{1,3})\.(\d{1,3})$/.exec(value.trim());
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

/**
 * Why a plugin written for `wanted` cannot run on a hub speaking `spoken`, or undefined when
 * it can. Worded for the operator who has to act on it.
 */
export function contractMismatch(spoken: string, wanted: unknown): string | undefined {
  const hub = parseContractVersion(spoken);
  const plugin = parseContractVersion(wanted);
  if (!hub) throw new Error(`the hub's own contract version "${spoken}" is not major.minor`);
  if (!plugin) return `declares contractVersion ${JSON.stringify(wanted)}; expected a "major.minor" string such as "${spoken}"`;
  if (plugin.major !== hub.major) {
    const upgrade = plugin.major > hub.major ? 'upgrade the hub' : 'use a release of the plugin written for this contract';
    return `is written for connector contract ${String(wanted)}, this hub speaks ${spoken} (another major version; ${upgrade})`;
  }
  if (plugin.minor > hub.minor) return `is written for connector contract ${String(wanted)}, newer than this hub's ${spoken}; upgrade the hub`;
  return undefined;
}
