import { keepAdminToken } from '../core/config/kept-admin-token';
import { loadConfig, type LoadedConfig } from '../core/config/load-config';
import { type Database } from '../core/persistence/database';
import { DataDirInUseError } from '../core/persistence/data-dir-lock';
import { HubClient, HubUnreachableError } from './hub-client';
import { checkHubUrl, hubAddress, type HubAddress } from './hub-address';
import { hubAddressAdvice } from './hub-unreachable';

/** One read, both ways: the commands print whichever answered with the same formatter. */
export interface ReadWays<T> {
  /** The command, for advice in errors: `report`, `outbox list`. */
  command: string;
  /** --url: read through the hub there, or fail. */
  url: string | undefined;
  viaHub(hub: HubClient): Promise<T>;
  viaDatabase(db: Database, config: LoadedConfig): Promise<T>;
}

/**
 * Reads through the running hub's admin API when one answers, on the database otherwise. A
 * hub on the embedded database holds it for itself, so reading through the hub is the only
 * way while it runs; a hub that answers but refuses the token is an error, never a reason to
 * try the database behind its back.
 */
export async function readThrough<T>(ways: ReadWays<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  if (ways.url !== undefined) checkHubUrl(ways.url, 'the admin token comes from ADMIN_TOKEN');
  const config = loadConfig(env);
  // A hub on this machine's embedded database may keep its generated token in the data
  // directory. Only for the hub the configuration names: never sent to a --url elsewhere.
  if (ways.url === undefined) keepAdminToken(config.hub, { create: false });
  const address = hubAddress(config, ways.url);
  const token = config.hub.admin.token;
  if (ways.url !== undefined && !token) throw new Error(`reading through the hub at ${address.base} needs its admin token: set ADMIN_TOKEN to the token that hub runs with`);
  let unreachable: HubUnreachableError | undefined;
  if (token) {
    try {
      return await ways.viaHub(new HubClient(address, token, ways.command));
    } catch (error) {
      // Asked for by --url, that hub or nothing.
      if (!(error instanceof HubUnreachableError) || ways.url !== undefined) throw error;
      unreachable = error;
    }
  }
  try {
    // Loaded here, not above: a read through the hub never needs the database layer.
    const { withConfiguredDatabase } = await import('./open-database');
    return await withConfiguredDatabase(config, (db) => ways.viaDatabase(db, config));
  } catch (error) {
    if (error instanceof DataDirInUseError) throw heldByHub(error, address, unreachable, ways.command, config);
    throw error;
  }
}

/** The embedded database is held (by a hub, as a rule) and its admin API did not serve us. */
function heldByHub(error: DataDirInUseError, address: HubAddress, unreachable: HubUnreachableError | undefined, command: string, config: LoadedConfig): Error {
  const who = error.owner === undefined ? 'another process' : `process ${error.owner}`;
  const held = `the embedded database in ${error.dataDir} is in use by ${who} (a running hub?)`;
  const stop = `or stop that hub to read the database directly`;
  if (unreachable) {
    return new Error(`${held}, and no hub answered at ${address.base} (${unreachable.reason}).\nWhile a hub runs, ${command} reads through its admin API: ${hubAddressAdvice(address.source, command).replace(/^or /, '')}; ${stop}.`, {
      cause: error,
    });
  }
  const file = config.builtIn ? 'config/hub.yaml' : config.hubSource.file;
  return new Error(`${held}.\nWhile a hub runs, ${command} reads through its admin API at ${address.base}, which needs the hub's admin token: set ADMIN_TOKEN (or admin.token in ${file}) to the token the hub runs with; ${stop}.`, { cause: error });
}
