import { Webhook } from 'standardwebhooks';
import { mulberry32 } from '../shared/random';

/** One request as a sender would POST it: the body, its Standard Webhooks headers, the message ids it carries. */
export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
  messageIds: string[];
}

const CUSTOMER_SHARE = 0.7;
const STAFF_AGENTS = 20;

/**
 * Builds signed requests on demand, each with fresh message ids and a fresh webhook-id, sent
 * "just now" (a second ago) so the hub's timestamp window and message-age limit both accept
 * them. Conversations are drawn at random from a fixed pool, so inquiries open and close.
 */
export class SignedRequestFactory {
  private readonly webhook: Webhook;
  private readonly random: () => number;
  private sequence = 0;

  constructor(
    secret: string,
    private readonly conversations: number,
    /** Prefixes every message and webhook id, so phases never collide. */
    private readonly prefix: string,
    seed: number,
  ) {
    this.webhook = new Webhook(secret);
    this.random = mulberry32(seed);
  }

  next(messagesPerRequest: number): SignedRequest {
    const n = this.sequence++;
    const sentAt = new Date(Date.now() - 1000).toISOString();
    const items = Array.from({ length: messagesPerRequest }, (_, k) => this.message(`${this.prefix}-${n}-${k}`, sentAt));
    const body = JSON.stringify(messagesPerRequest === 1 ? items[0] : { messages: items });
    const webhookId = `msg_${this.prefix}_${n}`;
    const now = new Date();
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'webhook-id': webhookId,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': this.webhook.sign(webhookId, now, body),
      },
      messageIds: items.map((item) => item.message.id),
    };
  }

  private message(id: string, sentAt: string) {
    const conversation = `c${Math.floor(this.random() * this.conversations)}`;
    const customer = this.random() < CUSTOMER_SHARE;
    return {
      conversation: { id: conversation, title: `Chat ${conversation}` },
      message: { id, text: customer ? `Hello, my order in ${conversation} has not arrived (${id})` : `We are looking into it (${id})`, sentAt },
      author: customer ? { id: `customer-${conversation}` } : { id: `agent-${Math.floor(this.random() * STAFF_AGENTS)}`, role: 'staff' },
    };
  }
}
