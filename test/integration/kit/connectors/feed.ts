import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type InboundSource } from '../../../../src/plugins/testing';

export interface FeedItem {
  seq: number;
  id: string;
  chat: string;
  text: string;
  from: string;
  at: string;
}

let nextId = 1;

/**
 * A tiny HTTP feed an inbound connector polls: `GET /items?after=<seq>&limit=<n>` with a
 * bearer key. It has no acknowledgement of its own: the reader keeps its cursor.
 */
export class FeedServer implements InboundSource {
  readonly items: FeedItem[] = [];
  private server: Server | undefined;
  url = '';

  constructor(readonly apiKey: string) {}

  async listen(): Promise<string> {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://feed');
      if (req.headers.authorization !== `Bearer ${this.apiKey}`) return void res.writeHead(401).end();
      if (url.pathname !== '/items') return void res.writeHead(404).end();
      const after = Number(url.searchParams.get('after') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 10);
      const items = this.items.filter((item) => item.seq > after).slice(0, limit);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items }));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  reset(): Promise<void> {
    this.items.length = 0;
    return Promise.resolve();
  }

  publish(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = `feed-${nextId++}`;
      this.items.push({ seq: this.items.length + 1, id, chat: 'acme-support', text: `help with order ${id}`, from: 'customer-7', at: '2026-03-02T09:00:00Z' });
      ids.push(id);
    }
    return Promise.resolve(ids);
  }
}
