import { type LoadedConfig } from '../core/config/load-config';
import { type AddressSource } from './hub-unreachable';
import { UsageError } from './usage-error';

/** The base URL of the running hub, and where it came from (for advice when nothing answers). */
export interface HubAddress {
  base: string;
  source: AddressSource;
}

/**
 * Where the hub listens: --url, or server.host and server.port of the configuration (HOST and
 * PORT override them, as for the hub itself). A hub bound to every interface is reached on
 * loopback.
 */
export function hubAddress(config: LoadedConfig, url: string | undefined): HubAddress {
  if (url !== undefined) return { base: url.replace(/\/+$/, ''), source: { kind: 'option' } };
  const { host, port } = config.hub.server;
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const literal = reachable.includes(':') ? `[${reachable}]` : reachable;
  return { base: `http://${literal}:${port}`, source: { kind: 'config', file: config.hubSource.file, builtIn: config.builtIn } };
}

/** The hub's base URL: http(s) and no credentials (fetch refuses them; `why` says what to use instead). */
export function checkHubUrl(url: string, why: string): void {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) throw new UsageError("--url: expected the hub's http(s) base URL, e.g. http://127.0.0.1:3000");
  if (parsed.username || parsed.password) throw new UsageError(`--url: leave out the user and password; ${why}`);
}
