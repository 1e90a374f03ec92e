import { request as httpRequest, STATUS_CODES } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { type UpdateQueue } from './updates';
import { type TgUpdate, type WebhookDelivery } from './types';

const FIRST_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 1000;
const RECEIVER_TIMEOUT_MS = 10_000;

interface PostOutcome {
  status: number;
  body: string;
  error?: string;
}

/**
 * Pushes queued updates to the webhook one at a time, in update_id order, retrying the same
 * update until the receiver says 2xx. Backoff is far shorter than Telegram's so tests stay fast.
 */
export class WebhookDeliverer {
  url = '';
  secret: string | undefined;
  lastErrorDate: number | undefined;
  lastErrorMessage: string | undefined;
  readonly deliveries: WebhookDelivery[] = [];
  private loop: AbortController | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly queue: UpdateQueue,
    private readonly now: () => number,
    /** Telegram executes a method call sent back in the webhook response body. */
    private readonly onReply: (call: Record<string, unknown>) => void,
  ) {}

  get active(): boolean {
    return this.url !== '';
  }

  set(url: string, secret: string | undefined): void {
    this.clear();
    this.url = url;
    this.secret = secret;
    this.lastErrorDate = undefined;
    this.lastErrorMessage = undefined;
    const loop = new AbortController();
    this.loop = loop;
    void this.run(loop.signal);
  }

  clear(): void {
    this.loop?.abort();
    this.loop = undefined;
    this.wake?.();
    this.url = '';
    this.secret = undefined;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const unsubscribe = this.queue.onPush(() => this.wake?.());
    signal.addEventListener('abort', () => this.wake?.(), { once: true });
    let backoff = FIRST_BACKOFF_MS;
    const url = this.url;
    const secret = this.secret;
    try {
      while (!signal.aborted) {
        const update = this.queue.first();
        if (!update) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          continue;
        }
        const outcome = await post(url, update, secret, signal);
        if (signal.aborted) break;
        this.deliveries.push({ updateId: update.update_id, status: outcome.status, at: this.now(), error: outcome.error });
        if (outcome.status >= 200 && outcome.status < 300) {
          this.queue.confirm(update.update_id);
          backoff = FIRST_BACKOFF_MS;
          this.replyCall(outcome.body);
          continue;
        }
        this.lastErrorDate = Math.floor(this.now() / 1000);
        this.lastErrorMessage =
          outcome.error ?? `Wrong response from the webhook: ${outcome.status} ${STATUS_CODES[outcome.status] ?? ''}`.trim();
        await sleep(backoff, undefined, { signal }).catch(() => undefined);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    } finally {
      unsubscribe();
    }
  }

  private replyCall(body: string): void {
    try {
      const parsed = JSON.parse(body) as unknown;
      if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { method?: unknown }).method === 'string') {
        this.onReply(parsed as Record<string, unknown>);
      }
    } catch {
      // An empty or non-JSON 2xx body is the common case: nothing to execute.
    }
  }
}

function post(url: string, update: TgUpdate, secret: string | undefined, signal: AbortSignal): Promise<PostOutcome> {
  const body = JSON.stringify(update);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  };
  if (secret !== undefined) headers['x-telegram-bot-api-secret-token'] = secret;
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    // agent:false so no keep-alive socket outlives the fake and holds jest open.
    const req = send(url, { method: 'POST', headers, agent: false, signal, timeout: RECEIVER_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => resolve({ status: 0, body: '', error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error('Read timeout expired')));
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ status: 0, body: '', error: err.code === 'ECONNREFUSED' ? 'Connection refused' : err.message }),
    );
    req.end(body);
  });
}
