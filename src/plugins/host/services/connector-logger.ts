import { Logger } from '@nestjs/common';
import { type ConnectorLogger } from '../../sdk/services';

/** The hub's log, under `connector:<id>`, with the connector's secrets scrubbed from every line. */
export function connectorLogger(id: string, scrub: (text: string) => string): ConnectorLogger {
  const logger = new Logger(`connector:${id}`);
  return {
    debug: (message) => logger.debug(scrub(message)),
    info: (message) => logger.log(scrub(message)),
    warn: (message) => logger.warn(scrub(message)),
    error: (message) => logger.error(scrub(message)),
  };
}
