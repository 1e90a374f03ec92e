import { Injectable, Logger } from '@nestjs/common';
import { CONTRACT_VERSION, type ConnectorManifest, type Health, type OutboundConnector } from '../../plugins/contract/connector';
import { type Delivery, type DeliveryResult } from '../../plugins/contract/delivery';
import { ReplywatchConnector } from '../../plugins/registry/connector.decorator';
import { logConfigSchema, type LogConfig } from './log.config';

/**
 * Writes each delivery to the hub's log. Useful on day one (see what the hub would send) and
 * as the smallest example of an outbound connector.
 */
@Injectable()
@ReplywatchConnector()
export class LogConnector implements OutboundConnector<LogConfig> {
  private readonly logger = new Logger('delivery');

  readonly manifest: ConnectorManifest<LogConfig> = {
    id: 'log',
    contractVersion: CONTRACT_VERSION,
    direction: 'outbound',
    displayName: 'Log output',
    configSchema: logConfigSchema,
  };

  verify(): Promise<Health> {
    return Promise.resolve({ status: 'up' });
  }

  deliver(config: LogConfig, delivery: Delivery): Promise<DeliveryResult> {
    const target = typeof delivery.target.name === 'string' ? delivery.target.name : 'log';
    const line = `${delivery.kind} → ${target} [${delivery.idempotencyKey}] ${JSON.stringify(delivery.payload)}`;
    if (config.level === 'warn') this.logger.warn(line);
    else this.logger.log(line);
    return Promise.resolve({});
  }
}
