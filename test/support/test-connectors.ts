import { z } from 'zod';
import { ConnectorError, type Delivery, defineConnector, definePlugin, type ReplywatchPlugin, secret } from '../../src/plugins/sdk';

const flakyConfig = z.object({ apiKey: secret(z.string().min(8)), failFirst: z.number().int().default(0) }).strict();

export interface FlakyPlugin {
  plugin: ReplywatchPlugin;
  /** Every delivery that succeeded, in order. */
  delivered: Delivery[];
}

/**
 * An outbound test connector that fails its first N deliveries with an error quoting its own
 * API key (as careless clients do), then succeeds. One fresh plugin per call, with its own log.
 */
export function flakyPlugin(id = 'flaky'): FlakyPlugin {
  const delivered: Delivery[] = [];
  let calls = 0;
  const connector = defineConnector<z.output<typeof flakyConfig>>({
    manifest: { id, direction: 'outbound', configSchema: flakyConfig },
    create: ({ config }) => ({
      verify: () => Promise.resolve({ status: 'degraded', detail: 'test connector' }),
      deliver: (delivery) => {
        calls++;
        if (calls <= config.failFirst) return Promise.reject(new ConnectorError('TEMPORARY', `503 from https://api.example.test/send?key=${config.apiKey}`));
        delivered.push(delivery);
        return Promise.resolve({ externalId: `${id}-${calls}` });
      },
    }),
  });
  return { plugin: definePlugin({ name: `test ${id}`, contractVersion: '2.0', connectors: [connector] }), delivered };
}

/** Written for a contract this hub does not speak. */
export function pluginForContract(contractVersion: string): ReplywatchPlugin {
  return { ...flakyPlugin('future').plugin, contractVersion };
}
