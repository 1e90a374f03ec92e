import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { CONTRACT_VERSION, type ConnectorManifest, type Health, type OutboundConnector } from '../../src/plugins/contract/connector';
import { ConnectorError } from '../../src/plugins/contract/connector-error';
import { type Delivery, type DeliveryResult } from '../../src/plugins/contract/delivery';
import { secret } from '../../src/plugins/contract/secret';
import { ReplywatchConnector } from '../../src/plugins/registry/connector.decorator';

const flakyConfig = z.object({ apiKey: secret(z.string().min(8)), failFirst: z.number().int().default(0) }).strict();

/** Fails its first N deliveries with an error that quotes its own API key (as careless clients do). */
@Injectable()
@ReplywatchConnector()
export class FlakyConnector implements OutboundConnector<z.output<typeof flakyConfig>> {
  readonly delivered: Delivery[] = [];
  private calls = 0;

  readonly manifest: ConnectorManifest<z.output<typeof flakyConfig>> = {
    id: 'flaky',
    contractVersion: CONTRACT_VERSION,
    direction: 'outbound',
    configSchema: flakyConfig,
  };

  verify(): Promise<Health> {
    return Promise.resolve({ status: 'degraded', detail: 'test connector' });
  }

  deliver(config: z.output<typeof flakyConfig>, delivery: Delivery): Promise<DeliveryResult> {
    this.calls++;
    if (this.calls <= config.failFirst) {
      return Promise.reject(new ConnectorError('TEMPORARY', `503 from https://api.example.test/send?key=${config.apiKey}`));
    }
    this.delivered.push(delivery);
    return Promise.resolve({ externalId: `flaky-${this.calls}` });
  }
}

/** Claims the id of a first-party connector. */
@Injectable()
@ReplywatchConnector()
export class DuplicateLogConnector extends FlakyConnector {
  override readonly manifest = { ...new FlakyConnector().manifest, id: 'log' };
}

/** Written for a contract this hub does not speak. */
@Injectable()
@ReplywatchConnector()
export class FutureContractConnector extends FlakyConnector {
  override readonly manifest = { ...new FlakyConnector().manifest, id: 'future', contractVersion: 2 as unknown as 1 };
}
