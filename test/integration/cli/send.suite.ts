import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { runSend } from '../../../src/cli/send.command';
import { cli } from '../../support/run-cli';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

const RealDate = Date;

/** A clock that moves a second on every read, so two reads for one request never agree. */
function steppingDate(start: number): DateConstructor {
  let next = start;
  const read = () => {
    const at = next;
    next += 1000;
    return at;
  };
  class SteppingDate extends RealDate {
    constructor(...args: [] | [string | number | Date]) {
      if (args.length === 0) super(read());
      else super(args[0]);
    }

    static override now(): number {
      return read();
    }
  }
  return SteppingDate as DateConstructor;
}

describe('replywatch send', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(() => database.drop());

  it('signs with the instant it puts in webhook-timestamp, even when the clock moves between reads', async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"replayed":false,"results":[]}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const savedSecret = process.env.HTTP_INGEST_SECRET;
    process.env.HTTP_INGEST_SECRET = secret;
    try {
      globalThis.Date = steppingDate(RealDate.now());
      const { code } = await cli(() => runSend(['--conversation', 'c-1', '--text', 'hello', '--url', url]), database);
      globalThis.Date = RealDate;
      expect(code).toBe(0);
    } finally {
      globalThis.Date = RealDate;
      if (savedSecret === undefined) delete process.env.HTTP_INGEST_SECRET;
      else process.env.HTTP_INGEST_SECRET = savedSecret;
      await new Promise((resolve) => server.close(resolve));
    }
    const [request] = received;
    expect(request).toBeDefined();
    const headers = { 'webhook-id': String(request?.headers['webhook-id']), 'webhook-timestamp': String(request?.headers['webhook-timestamp']), 'webhook-signature': String(request?.headers['webhook-signature']) };
    // What the hub does with it: verify over the header's timestamp.
    expect(() => new Webhook(secret).verify(request?.body ?? '', headers)).not.toThrow();
  });
});
