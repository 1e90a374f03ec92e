import { type AnyConnector, CONTRACT_VERSION } from '../contract/connector';

const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Problems with a connector's manifest, worded for the plugin's author; empty when valid. */
export function manifestProblems(connector: AnyConnector, source: string): string[] {
  const m = connector.manifest as Partial<AnyConnector['manifest']> | undefined;
  if (!m) return [`${source}: has no manifest`];
  const problems: string[] = [];
  const name = `${source} (${String(m.id)})`;
  if (typeof m.id !== 'string' || !KEBAB.test(m.id)) problems.push(`${name}: manifest.id must be kebab-case`);
  if (m.contractVersion !== CONTRACT_VERSION) {
    problems.push(`${name}: written for contract version ${String(m.contractVersion)}, this hub speaks version ${CONTRACT_VERSION}`);
  }
  if (m.direction !== 'inbound' && m.direction !== 'outbound' && m.direction !== 'duplex') {
    problems.push(`${name}: manifest.direction must be inbound, outbound or duplex`);
  }
  const reads = m.direction === 'inbound' || m.direction === 'duplex';
  if (reads && (typeof m.channel !== 'string' || !KEBAB.test(m.channel))) {
    problems.push(`${name}: an inbound or duplex connector must name its channel in kebab-case`);
  }
  if (!m.configSchema || typeof (m.configSchema as { safeParse?: unknown }).safeParse !== 'function') {
    problems.push(`${name}: manifest.configSchema must be a zod schema`);
  }
  const methods = m.direction === 'inbound' ? ['verify', 'start'] : m.direction === 'duplex' ? ['verify', 'start', 'deliver'] : ['verify', 'deliver'];
  for (const method of methods) {
    if (typeof (connector as unknown as Record<string, unknown>)[method] !== 'function') problems.push(`${name}: missing ${method}()`);
  }
  return problems;
}
