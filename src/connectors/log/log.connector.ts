import { defineConnector, type DeliveryResult } from 'replywatch/sdk';
import { logConfigSchema, type LogConfig } from './log.config';

/**
 * Writes each delivery to the hub's log. Useful on day one (see what the hub would send) and
 * as the smallest example of an outbound connector.
 */
export const logConnector = defineConnector<LogConfig>({
  manifest: {
    id: 'log',
    direction: 'outbound',
    displayName: 'Log output',
    configSchema: logConfigSchema,
    enabledByDefault: true,
  },
  create: ({ config, logger }) => ({
    verify: () => Promise.resolve({ status: 'up' }),
    deliver: (delivery): Promise<DeliveryResult> => {
      const line = `${delivery.payload.event} → ${delivery.target.name} [${delivery.idempotencyKey}] ${delivery.payload.text}`;
      if (config.level === 'warn') logger.warn(line);
      else logger.info(line);
      return Promise.resolve({});
    },
  }),
});
