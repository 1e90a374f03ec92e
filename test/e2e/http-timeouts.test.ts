import { connect, type Socket } from 'node:net';
import { ingestBody, startTestHub, type TestHub } from '../support/hub-harness';
import { testBackend } from '../support/test-database';

/** Opens a raw connection so the test controls how slowly the request arrives. */
function rawConnection(url: string): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let data = '';
    const socket = connect({ host: hostname, port: Number(port) });
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
    socket.once('error', reject);
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
  });
}

describe(`HTTP server timeouts (${testBackend})`, () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({ hub: { server: { host: '127.0.0.1', port: 0, requestTimeout: '1s', headersTimeout: '1s', keepAliveTimeout: '1s' } } });
  });

  afterAll(() => hub.close());

  it('cuts off a sender that trickles its body with 408 and stays open for others', async () => {
    const slow = await rawConnection(hub.url);
    slow.socket.write('POST /api/v1/messages HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"messages":[');
    const cutOffWithin = Date.now();
    await slow.closed;
    expect(Date.now() - cutOffWithin).toBeLessThan(5000);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);

    const fine = await hub.post(ingestBody({ conversation: 'after-slow' }));
    expect(fine.status).toBe(200);
  });

  it('cuts off a sender that never finishes its headers', async () => {
    const slow = await rawConnection(hub.url);
    slow.socket.write('GET /health HTTP/1.1\r\nHost: hub\r\n');
    const started = Date.now();
    await slow.closed;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes an idle keep-alive connection', async () => {
    const idle = await rawConnection(hub.url);
    idle.socket.write('GET /health HTTP/1.1\r\nHost: hub\r\n\r\n');
    const started = Date.now();
    await idle.closed;
    expect(idle.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
