import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { makeTestCertificates, trustTestCa, type KeyPair, type TestCertificates } from '../../../test/support/test-certificates';
import { lateOrClosed, streamBody } from '../../../test/support/webhook-receiver';
import { ConnectorError } from './connector-error';
import { outboundHttp, type HttpAnswer } from './outbound-http';

/** What a peer saw of one request. */
interface Seen {
  path: string;
  /** The client closed the connection before the answer was complete, this long after the request arrived. */
  closedAfterMs?: number;
  bytesSent?: number;
}

/** A loopback peer (http, or https with a key pair) that answers with `handler` and records what it saw. */
class Peer {
  readonly seen: Seen[] = [];
  tlsFailures = 0;
  url = '';
  private server: Server | undefined;

  constructor(private readonly handler: (res: ServerResponse, seen: Seen, req: IncomingMessage) => Promise<void> | void) {}

  async start(tls?: KeyPair): Promise<this> {
    const listener = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    const server: Server = tls ? createHttpsServer(tls, listener) : createServer(listener);
    server.on('tlsClientError', () => this.tlsFailures++);
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = Date.now();
    for await (const chunk of req) void chunk;
    const seen: Seen = { path: req.url ?? '/' };
    this.seen.push(seen);
    res.on('close', () => {
      if (!res.writableFinished) seen.closedAfterMs = Date.now() - arrived;
    });
    await this.handler(res, seen, req);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const http = outboundHttp();
const post = (url: string, options: { timeoutMs?: number; signal?: AbortSignal; maxResponseBytes?: number } = {}): Promise<HttpAnswer> =>
  http.post(url, { event: 'test' }, { timeoutMs: options.timeoutMs ?? 2000, signal: options.signal ?? new AbortController().signal, ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}) });

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConnectorError) return error;
    throw new Error(`expected a ConnectorError, got ${String(error)}`);
  }
  throw new Error('expected the request to fail');
}

/** Waits until `check` holds (a peer's close event comes a moment after the client's). */
async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

describe('outboundHttp against real peers', () => {
  let certs: TestCertificates;
  const peers: Peer[] = [];
  const ok = () => new Peer((res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  const started = async (peer: Peer, tls?: KeyPair) => {
    peers.push(peer);
    return peer.start(tls);
  };

  beforeAll(() => {
    certs = makeTestCertificates();
  });

  afterAll(async () => {
    await Promise.all(peers.map((p) => p.stop()));
  });

  describe('methods', () => {
    it('sends GET without a body or content type, and PUT with its JSON, through request()', async () => {
      const got: Array<{ method: string; type: string | undefined; body: string }> = [];
      const server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          got.push({ method: req.method ?? '', type: req.headers['content-type'], body });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
      try {
        const options = { timeoutMs: 2000, signal: new AbortController().signal, headers: { authorization: 'Bearer t' } };
        const read = await http.request('GET', url, undefined, options);
        const put = await http.request('PUT', url, { ticket: { status: 'solved' } }, options);
        expect([read.status, read.body, put.status]).toEqual([200, '{"ok":true}', 200]);
        expect(got).toEqual([
          { method: 'GET', type: undefined, body: '' },
          { method: 'PUT', type: 'application/json', body: '{"ticket":{"status":"solved"}}' },
        ]);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });

  describe('TLS', () => {
    it('refuses a self-signed certificate before sending anything, as a TEMPORARY failure that names it', async () => {
      const peer = await started(ok(), certs.selfSigned);
      const error = await failure(post(`${peer.url}/hook`));
      expect(error.code).toBe('TEMPORARY');
      expect(error.message).toMatch(/^the peer's TLS certificate was not accepted \(self-signed certificate; DEPTH_ZERO_SELF_SIGNED_CERT\), so nothing was sent/);
      expect(peer.seen).toHaveLength(0);
      await until(() => peer.tlsFailures === 1);
    });

    describe('with the issuing CA trusted', () => {
      let untrust: () => void;
      beforeAll(() => {
        untrust = trustTestCa(certs.ca);
      });
      afterAll(() => untrust());

      it('posts to a certificate that verifies (so the failures here are about the certificate)', async () => {
        const peer = await started(ok(), certs.valid);
        const answer = await post(`${peer.url}/hook`);
        expect(answer).toMatchObject({ status: 200, body: 'ok' });
        expect(peer.seen).toHaveLength(1);
      });

      it('refuses a certificate for another host name', async () => {
        const peer = await started(ok(), certs.wrongHost);
        const error = await failure(post(`${peer.url}/hook`));
        expect(error.code).toBe('TEMPORARY');
        expect(error.message).toMatch(/TLS certificate was not accepted \(hostname mismatch: Hostname\/IP does not match certificate's altnames: .*; ERR_TLS_CERT_ALTNAME_INVALID\)/);
        expect(peer.seen).toHaveLength(0);
      });
    });

    it('says the handshake failed when the port speaks plain HTTP', async () => {
      const peer = await started(ok());
      const error = await failure(post(`${peer.url.replace('http:', 'https:')}/hook`));
      expect(error.code).toBe('TEMPORARY');
      expect(error.message).toMatch(/^the TLS handshake with the peer failed \(EPROTO: .*wrong version number/);
      expect(peer.seen).toHaveLength(0);
    });
  });

  describe('answers', () => {
    it('reads a 50 MB body only up to the limit and closes the connection', async () => {
      const peer = await started(
        new Peer(async (res, seen) => {
          res.writeHead(502, { 'content-type': 'text/html' });
          seen.bytesSent = await streamBody(res, 50 * 1024 * 1024);
        }),
      );
      const startedAt = Date.now();
      const answer = await post(`${peer.url}/hook`, { maxResponseBytes: 4096 });
      expect(answer.status).toBe(502);
      expect(answer.body).toHaveLength(4096);
      await until(() => peer.seen[0]?.closedAfterMs !== undefined && peer.seen[0].bytesSent !== undefined);
      // What fitted in socket buffers before the close reached the peer (about 4 MB), not 50 MB.
      expect(peer.seen[0]?.bytesSent).toBeLessThan(16 * 1024 * 1024);
      expect(Date.now() - startedAt).toBeLessThan(1500);
    });

    it('decompresses only up to the limit (a gzip bomb costs nothing)', async () => {
      const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 'a'));
      expect(bomb.length).toBeLessThan(200 * 1024);
      const peer = await started(new Peer((res) => void res.writeHead(500, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end(bomb)));
      const answer = await post(`${peer.url}/hook`, { maxResponseBytes: 2048 });
      expect(answer.status).toBe(500);
      expect(answer.body).toBe('a'.repeat(2048));
    });

    it('does not follow a redirect to another host', async () => {
      const elsewhere = await started(ok());
      const peer = await started(new Peer((res) => void res.writeHead(307, { location: `${elsewhere.url.replace('127.0.0.1', 'localhost')}/stolen` }).end()));
      const answer = await post(`${peer.url}/hook`);
      expect(answer.status).toBe(307);
      expect(answer.headers.location).toMatch(/^http:\/\/localhost:\d+\/stolen$/);
      expect(elsewhere.seen).toHaveLength(0);
    });
  });

  describe('time', () => {
    it('aborts an attempt with no answer within the timeout: the peer sees the connection closed', async () => {
      const peer = await started(
        new Peer(async (res) => {
          await lateOrClosed(res, 5000);
          if (!res.destroyed) res.writeHead(200).end('too late');
        }),
      );
      const startedAt = Date.now();
      const error = await failure(post(`${peer.url}/hook`, { timeoutMs: 200 }));
      expect(error).toMatchObject({ code: 'TEMPORARY', message: 'no answer within 200 ms; the attempt was aborted' });
      expect(Date.now() - startedAt).toBeLessThan(1000);
      await until(() => peer.seen[0]?.closedAfterMs !== undefined);
      expect(peer.seen[0]?.closedAfterMs).toBeLessThan(1000);
    });

    it('aborts a body that trickles past the timeout, keeping the status it got', async () => {
      const peer = await started(
        new Peer(async (res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"ok":');
          for (let i = 0; i < 100 && !res.destroyed; i++) {
            res.write(' ');
            await lateOrClosed(res, 100);
          }
          if (!res.destroyed) res.end('true}');
        }),
      );
      const startedAt = Date.now();
      const answer = await post(`${peer.url}/hook`, { timeoutMs: 300 });
      expect(answer.status).toBe(200);
      expect(answer.body.startsWith('{"ok":')).toBe(true);
      expect(Date.now() - startedAt).toBeLessThan(1500);
      await until(() => peer.seen[0]?.closedAfterMs !== undefined);
      expect(peer.seen[0]?.closedAfterMs).toBeLessThan(1500);
    });

    it('aborts when the hub gives up on the attempt', async () => {
      const peer = await started(
        new Peer(async (res) => {
          await lateOrClosed(res, 5000);
          if (!res.destroyed) res.writeHead(200).end();
        }),
      );
      const hub = new AbortController();
      setTimeout(() => hub.abort(), 100);
      const error = await failure(post(`${peer.url}/hook`, { timeoutMs: 5000, signal: hub.signal }));
      expect(error).toMatchObject({ code: 'TEMPORARY', message: 'the attempt was aborted by the hub' });
      await until(() => peer.seen[0]?.closedAfterMs !== undefined);
    });

    it('reports a refused connection as TEMPORARY', async () => {
      const peer = await started(ok());
      const url = peer.url;
      await peer.stop();
      const error = await failure(post(`${url}/hook`));
      expect(error.code).toBe('TEMPORARY');
      expect(error.message).toMatch(/^cannot reach the peer \(ECONNREFUSED: /);
    });
  });
});
