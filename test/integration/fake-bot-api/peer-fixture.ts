import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { Telegram, TelegramError } from 'telegraf';
import { FakeBotApi, type FakeBotApiOptions } from '../../support/fake-bot-api';

export const TOKEN = '123456:TEST-fake-token';

export interface ReceivedHook {
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/** Starts peers and webhook receivers for one test and tears all of them down afterwards. */
export function usePeers() {
  const teardown: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of teardown.splice(0).reverse()) await stop();
  });

  return {
    async peer(opts: Partial<FakeBotApiOptions> = {}) {
      const peer = new FakeBotApi({ token: TOKEN, ...opts });
      const apiRoot = await peer.start();
      teardown.push(() => peer.stop());
      return { peer, apiRoot, telegram: new Telegram(TOKEN, { apiRoot, webhookReply: false }) };
    },

    /** A webhook endpoint whose answers are scripted per request (status + optional JSON body). */
    async receiver(answer: (n: number) => { status: number; body?: unknown }) {
      const received: ReceivedHook[] = [];
      const server = createServer((req, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> });
          const { status, body } = answer(received.length);
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(body === undefined ? '' : JSON.stringify(body));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      teardown.push(async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
      });
      return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
    },
  };
}

export async function telegramError(call: Promise<unknown>): Promise<TelegramError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TelegramError) return error;
    throw error;
  }
  throw new Error('expected the call to fail with a TelegramError');
}

export async function timed<T>(call: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await call;
  return { value, ms: performance.now() - started };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
