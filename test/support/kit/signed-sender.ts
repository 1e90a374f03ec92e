import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { type InboundSource } from '../../../src/plugins/testing';

/**
 * The HTTP channel's sender, as a kit source: each message is one signed POST to
 * /api/v1/messages, sent again (same webhook-id) until it is answered 2xx — what a sender
 * following the Standard Webhooks advice does. A 4xx other than 429 ends the attempts.
 */
export class SignedSender implements InboundSource {
  private acks = 0;
  private epoch = 0;
  private next = 1;
  private readonly sending = new Set<Promise<void>>();

  constructor(private readonly secret: string) {}

  reset(): Promise<void> {
    this.epoch++;
    this.acks = 0;
    return Promise.resolve();
  }

  publish(count: number, env: { routesUrl: string }): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = `kit-${this.next++}`;
      const body = JSON.stringify({ conversation: { id: 'acme' }, message: { id, text: `question ${id}`, sentAt: new Date().toISOString() }, author: { id: 'customer-1' } });
      const send = this.send(`${env.routesUrl}/api/v1/messages`, `msg_${randomUUID()}`, body, this.epoch);
      this.sending.add(send);
      void send.finally(() => this.sending.delete(send));
      ids.push(id);
    }
    return Promise.resolve(ids);
  }

  acknowledged(): Promise<number> {
    return Promise.resolve(this.acks);
  }

  async drain(): Promise<void> {
    this.epoch++;
    await Promise.allSettled([...this.sending]);
  }

  private async send(url: string, webhookId: string, body: string, epoch: number): Promise<void> {
    const signer = new Webhook(this.secret);
    for (let attempt = 0; attempt < 200 && epoch === this.epoch; attempt++) {
      try {
        const now = new Date();
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'webhook-id': webhookId, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': signer.sign(webhookId, now, body) },
          body,
        });
        await response.arrayBuffer();
        if (response.ok) {
          if (epoch === this.epoch) this.acks++;
          return;
        }
        if (response.status >= 400 && response.status < 500 && response.status !== 429) return;
      } catch {
        // refused or reset while the connector restarts: send again
      }
      await delay(10);
    }
  }
}
