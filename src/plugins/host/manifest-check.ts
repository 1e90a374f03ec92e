import { type ConnectorDefinition, readsChannel } from '../sdk/connector';
import { SERVICE_NAMES } from '../sdk/services';

const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

/** Problems with a connector definition, worded for the plugin's author; empty when valid. */
export function manifestProblems(definition: unknown, origin: string): string[] {
  const d = definition as Partial<ConnectorDefinition> | null | undefined;
  if (!d || typeof d !== 'object') return [`${origin}: a connector must be an object { manifest, create } (see defineConnector)`];
  const m = d.manifest;
  if (!m || typeof m !== 'object') return [`${origin}: connector has no manifest`];
  const name = `${origin} (${String(m.id)})`;
  const problems: string[] = [];
  if (typeof m.id !== 'string' || !KEBAB.test(m.id)) problems.push(`${name}: manifest.id must be kebab-case`);
  if (m.direction !== 'inbound' && m.direction !== 'outbound' && m.direction !== 'duplex') problems.push(`${name}: manifest.direction must be inbound, outbound or duplex`);
  else if (readsChannel(m.direction) && (typeof m.channel !== 'string' || !KEBAB.test(m.channel))) problems.push(`${name}: an inbound or duplex connector must name its channel in kebab-case`);
  if (typeof (m.configSchema as { safeParse?: unknown } | undefined)?.safeParse !== 'function') problems.push(`${name}: manifest.configSchema must be a zod schema`);
  if (m.targetSchema !== undefined && typeof (m.targetSchema as { safeParse?: unknown }).safeParse !== 'function') problems.push(`${name}: manifest.targetSchema must be a zod schema`);
  if (m.deliveryOrder !== undefined && m.deliveryOrder !== 'target' && m.deliveryOrder !== 'none') problems.push(`${name}: manifest.deliveryOrder must be "target" or "none"`);
  if (typeof d.create !== 'function') problems.push(`${name}: missing create(context)`);
  for (const service of m.services ?? []) {
    if (!(SERVICE_NAMES as readonly string[]).includes(service)) problems.push(`${name}: manifest.services names "${String(service)}"; known services: ${SERVICE_NAMES.join(', ')}`);
  }
  for (const [variable, setting] of Object.entries(m.environment ?? {})) {
    if (!ENV_NAME.test(variable) || typeof setting?.key !== 'string' || setting.key.length === 0) problems.push(`${name}: manifest.environment.${variable} must be an UPPER_CASE variable with a key`);
  }
  if (m.migrations !== undefined) {
    const migrations: unknown = m.migrations;
    const wellFormed = Array.isArray(migrations) && migrations.every((x: unknown) => typeof (x as { name?: unknown })?.name === 'string' && typeof (x as { up?: unknown }).up === 'string');
    if (!wellFormed) problems.push(`${name}: manifest.migrations must be [{ name, up }]`);
    else if (m.migrations.length > 0 && !(m.services ?? []).includes('database')) problems.push(`${name}: manifest.migrations needs "database" in manifest.services`);
  }
  return problems;
}

/** Methods the built instance must have for its direction. */
export function instanceProblems(instance: unknown, definition: ConnectorDefinition): string[] {
  const m = definition.manifest;
  const methods = m.direction === 'inbound' ? ['verify', 'start'] : m.direction === 'outbound' ? ['verify', 'deliver'] : ['verify', 'start', 'deliver'];
  const got = (instance ?? {}) as Record<string, unknown>;
  return methods.filter((method) => typeof got[method] !== 'function').map((method) => `connector ${m.id}: create() returned an object without ${method}()`);
}
