import { besideHub, hubPathNotice } from '../../../core/config/relative-paths';
import { type ConnectorLogger } from '../../sdk/services';

/** Warned once per process and path: a connector may resolve the same file on every attempt. */
const warned = new Set<string>();

/**
 * `ctx.hub.resolvePath`: a file named in a connector's section of hub.yaml (a secret, a CA,
 * a token file) starts at hub.yaml's folder, as every other relative path in that file does.
 */
export function connectorPath(hubFile: string | undefined, connector: string, written: string, logger: ConnectorLogger): string {
  const kept = besideHub(hubFile, written);
  const notice = hubFile === undefined ? undefined : hubPathNotice(hubFile, `connectors.${connector}`, kept, written);
  if (notice !== undefined && !warned.has(kept.path)) {
    warned.add(kept.path);
    logger.warn(notice);
  }
  return kept.path;
}
