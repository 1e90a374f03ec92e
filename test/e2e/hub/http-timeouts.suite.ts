import { connect, type Socket } from 'node:net';
import { type LoggerService } from '@nestjs/common';
import { ingestBody, startTestHub, type TestHub } from '../../support/hub-harness';
import { resetTables, testBackend } from '../../support/test-database';

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

/** Keeps what the hub logs at warn and above. */
class SeriousLines implements LoggerService {
  readonly lines: string[] = [];
  log(): void {}
  debug(): void {}
  verbose(): void {}
  warn(message: unknown): void {
    this.lines.push(`warn ${String(message)}`);
  }
  error(message: unknown): void {
    this.lines.push(`error ${String(message)}`);
  }
}

describe(`HTTP server timeouts (${testBackend})`, () => {
  let hub: TestHub;
  const logged = new SeriousLines();

  beforeAll(async () => {
    hub = await startTestHub({ logger: logged, hub: { server: { host: '127.0.0.1', port: 0, requestTimeout: '1s', headersTimeout: '1s', keepAliveTimeout: '1s' } } });
  });

  beforeEach(async () => {
    logged.lines.length = 0;
    await resetTables(hub.db);
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
    expect(logged.lines).toEqual([]);
  });

  it('takes a sender that hangs up mid-body as routine: nothing stored, nothing logged as an error', async () => {
    for (const path of ['/api/v1/messages', '/api/v1/inquiries/00000000-0000-0000-0000-000000000000/hold']) {
      const gone = await rawConnection(hub.url);
      gone.socket.write(`POST ${path} HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"by":`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      gone.socket.destroy();
      await gone.closed;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await hub.post(ingestBody({ conversation: 'after-abort' }))).status).toBe(200);
    expect(logged.lines).toEqual([]);
    expect(await hub.db.query(`SELECT c.external_id FROM conversations c`)).toEqual([{ external_id: 'after-abort' }]);
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
