import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';

/** A request that was not answered 200 is sent again this many times (a sender retries). */
const RESENDS = 5;
const RESEND_WAIT_MS = 200;
/** Requests in flight at once when everything is sent at once. */
const BURST_CONCURRENCY = 4;

export interface EnqueueFigures {
  /** Messages sent, each a customer's first message in a conversation of its own. */
  messages: number;
  /** Messages in requests answered 200: each opened an inquiry and queued its deliveries. */
  acknowledged: number;
  /** Non-200 answers and connection errors, resent after a pause. */
  resent: number;
  /** Wall clock of the first send and of the last 200. */
  firstSentAt: number;
  lastAckAt: number;
  /** How late the sender was against its schedule, p99 (ms): its own lag, not the hub's. */
  sendLagP99Ms: number;
}

/**
 * Opens `messages` inquiries through the signed HTTP intake (POST /api/v1/messages), each a
 * customer's message in a conversation of its own, so each queues one delivery per webhook
 * target. Requests go to the hubs in turn, as a load balancer would spread them. Open loop at
 * `messagesPerSecond` (request i is due at start + i × batch / rate whatever the answers), or
 * all at once with a few requests in flight when the rate is 0.
 */
export async function openInquiries(
  hubUrls: readonly string[],
  secret: string,
  prefix: string,
  messages: number,
  options: { messagesPerRequest: number; messagesPerSecond: number },
): Promise<EnqueueFigures> {
  const webhook = new Webhook(secret);
  const requests = Math.ceil(messages / options.messagesPerRequest);
  const figures: EnqueueFigures = { messages, acknowledged: 0, resent: 0, firstSentAt: Date.now(), lastAckAt: 0, sendLagP99Ms: 0 };
  const send = async (i: number) => {
    const first = i * options.messagesPerRequest;
    const count = Math.min(options.messagesPerRequest, messages - first);
    const url = `${hubUrls[i % hubUrls.length] ?? ''}/api/v1/messages`;
    const sentAt = new Date(Date.now() - 1000).toISOString();
    const items = Array.from({ length: count }, (_, k) => customerMessage(`${prefix}-${first + k}`, sentAt));
    const body = JSON.stringify({ messages: items });
    for (let attempt = 0; ; attempt++) {
      const webhookId = `msg_${prefix}_${i}`;
      const now = new Date();
      const headers = { 'content-type': 'application/json', 'webhook-id': webhookId, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': webhook.sign(webhookId, now, body) };
      const status = await fetch(url, { method: 'POST', headers, body }).then(
        async (response) => (await response.arrayBuffer(), response.status),
        () => 0,
      );
      if (status === 200) {
        figures.acknowledged += count;
        figures.lastAckAt = Math.max(figures.lastAckAt, Date.now());
        return;
      }
      if (attempt >= RESENDS) throw new Error(`intake request ${webhookId} to ${url}: answered ${status || 'nothing'} ${attempt + 1} times`);
      figures.resent++;
      await sleep(RESEND_WAIT_MS);
    }
  };
  if (options.messagesPerSecond <= 0) {
    let next = 0;
    await Promise.all(Array.from({ length: BURST_CONCURRENCY }, async () => {
      while (next < requests) await send(next++);
    }));
    return figures;
  }
  const intervalMs = (1000 * options.messagesPerRequest) / options.messagesPerSecond;
  const start = performance.now();
  const lags: number[] = [];
  const sent: Array<Promise<void>> = [];
  for (let i = 0; i < requests; i++) {
    const wait = start + i * intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    lags.push(performance.now() - (start + i * intervalMs));
    sent.push(send(i));
  }
  await Promise.all(sent);
  lags.sort((a, b) => a - b);
  figures.sendLagP99Ms = lags[Math.max(0, Math.ceil(0.99 * lags.length) - 1)] ?? 0;
  return figures;
}

/** Conversation `id` of its own, so the message opens a new inquiry. */
function customerMessage(id: string, sentAt: string) {
  return {
    conversation: { id, title: `Chat ${id}` },
    message: { id, text: `Hello, my order has not arrived (${id})`, sentAt },
    author: { id: `customer-${id}` },
  };
}
