import { defineConnector, type DeliveryPayload, type DeliveryResult } from 'replywatch/sdk';
import { logConfigSchema, type LogConfig } from './log.config';

type LineLevel = 'info' | 'warn' | 'error';

const RANK: Record<LineLevel, number> = { info: 0, warn: 1, error: 2 };

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
      const level = lineLevel(delivery.payload, config.level);
      logger[level](line);
      return Promise.resolve({});
    },
  }),
});

/**
 * The level a delivery line is written at, so the SLA's alarms stand out from routine lines:
 * a warning mark (⚡, ❗) at warn, a missed deadline (⚠️) or a policy escalation after it at
 * error. `floor` (the connector's `level`) raises the rest, never lowers these.
 */
export function lineLevel(payload: DeliveryPayload, floor: LogConfig['level']): LineLevel {
  const own = eventLevel(payload);
  return RANK[own] >= RANK[floor] ? own : floor;
}

function eventLevel(payload: DeliveryPayload): LineLevel {
  switch (payload.event) {
    case 'sla.breach':
      return 'error';
    case 'inquiry.escalated':
      return payload.trigger === 'policy' ? 'error' : 'warn';
    case 'sla.mark':
      // A mark the runbook itself calls informational stays at info.
      return payload.level === 'info' ? 'info' : 'warn';
    case 'sla.digest':
      return 'warn';
    default:
      return 'info';
  }
}
