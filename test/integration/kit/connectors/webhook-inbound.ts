import { timingSafeEqual } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { defineConnector, problem, secret, type ConnectorDefinition, type MessageSink } from '../../../../src/plugins/sdk';
import { type InboundSource } from '../../../../src/plugins/testing';

const configSchema = z.object({ secretToken: secret(z.string().min(16)) });
type WebhookConfig = z.infer<typeof configSchema>;

interface Update {
  update_id: number;
  message: { id: string; chat: string; text: string; from: string };
}

export const WEBHOOK_PATH = '/kit-webhook/updates';

/** Takes pushed updates on ctx.routes and answers 200 only once accept() has resolved. */
export function webhookConnector(id = 'kit-webhook'): ConnectorDefinition<WebhookConfig> {
  return defineConnector({
    manifest: { id, direction: 'inbound', channel: 'kit-hook', configSchema, services: ['routes'] },
    create(ctx) {
      let stopping = false;
      const inFlight = new Set<Promise<void>>();
      const expected = Buffer.from(ctx.config.secretToken);

      const take = async (sink: MessageSink, update: Update): Promise<void> => {
        const receipt = String(update.update_id);
        if (await sink.hasReceipt(receipt)) return;
        const m = update.message;
        await sink.accept({ conversation: { id: m.chat }, id: m.id, text: m.text, sentAt: new Date(ctx.clock.now()), author: { id: m.from } });
        await sink.recordReceipt(receipt);
      };

      return {
        verify: () => Promise.resolve({ status: 'up', detail: 'waiting for webhook calls' }),
        start(sink) {
          ctx.routes.post(
            WEBHOOK_PATH,
            async (request) => {
              const given = Buffer.from(request.headers['x-webhook-token'] ?? '');
              if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw problem(401, 'Unauthorized', 'x-webhook-token does not match', { header: 'x-webhook-token' });
              if (stopping) throw problem(503, 'Service Unavailable', 'the connector is stopping; send the update again later');
              const work = take(sink, request.json() as Update);
              inFlight.add(work);
              try {
                await work;
              } catch {
                throw problem(503, 'Service Unavailable', 'the update could not be stored; send it again');
              } finally {
                inFlight.delete(work);
              }
              return { status: 200, body: { ok: true } };
            },
            { contentTypes: ['application/json'], bodyLimit: 64 * 1024 },
          );
          return Promise.resolve({
            stop: async () => {
              stopping = true;
              await Promise.allSettled([...inFlight]);
            },
          });
        },
      };
    },
  });
}

/**
 * The service pushing updates, the way Telegram or a helpdesk does: it retries until it gets a
 * 2xx and counts those as acknowledgements. publish() returns at once; pushes continue behind.
 */
export class WebhookPusher implements InboundSource {
  private epoch = 0;
  private acks = 0;
  private nextUpdate = 1;
  private readonly pushes = new Set<Promise<void>>();

  constructor(readonly token: string) {}

  reset(): Promise<void> {
    this.epoch++;
    this.acks = 0;
    return Promise.resolve();
  }

  publish(count: number, env: { routesUrl: string }): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const update_id = this.nextUpdate++;
      const id = `hook-${update_id}`;
      const push = this.push(env.routesUrl, { update_id, message: { id, chat: 'acme-support', text: `question ${id}`, from: 'customer-9' } }, this.epoch);
      this.pushes.add(push);
      void push.finally(() => this.pushes.delete(push));
      ids.push(id);
    }
    return Promise.resolve(ids);
  }

  acknowledged(): Promise<number> {
    return Promise.resolve(this.acks);
  }

  /** Ends the pushes still retrying; for afterAll. */
  async drain(): Promise<void> {
    this.epoch++;
    await Promise.allSettled([...this.pushes]);
  }

  private async push(base: string, update: Update, epoch: number): Promise<void> {
    for (let attempt = 0; attempt < 40 && epoch === this.epoch; attempt++) {
      try {
        const response = await fetch(`${base}${WEBHOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-webhook-token': this.token }, body: JSON.stringify(update) });
        await response.arrayBuffer();
        if (response.ok) {
          if (epoch === this.epoch) this.acks++;
          return;
        }
        if (response.status === 404 || response.status === 401) return;
      } catch {
        // refused or reset: try again, as a real sender would
      }
      await delay(10);
    }
  }
}
