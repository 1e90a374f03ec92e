import { type TemplateInput } from './names';

export function inboundTest({ names }: TemplateInput): string {
  const { camel, id } = names;
  return `import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ConnectorError } from 'replywatch/sdk';
import { assertKitPassed, checkInboundConnector, createTestContext, FakeSink, formatKitReport } from 'replywatch/testing';
import { ${camel}Connector } from '../src/${id}.connector';
import { FakeFeed } from './fake-feed';

const TOKEN = 'kit-feed-token-0123456789';
const feed = new FakeFeed(TOKEN);

before(() => feed.listen());
after(() => feed.close());

test('${id} passes the inbound contract kit', async (t) => {
  const report = await checkInboundConnector(${camel}Connector, {
    config: () => ({ url: \`\${feed.url}/feed\`, token: TOKEN, pollInterval: '1s' }),
    source: feed,
  });
  for (const line of formatKitReport(report).split('\\n')) t.diagnostic(line);
  assertKitPassed(report);
  const notPassed = report.checks.filter((check) => check.outcome !== 'passed').map((check) => check.name);
  assert.deepEqual(notPassed, [], 'every check of the kit applies to a feed reader and must pass');
});

test('${id} passes over a message the hub refuses for good instead of stalling the feed', async () => {
  await feed.reset();
  const test = createTestContext(${camel}Connector, { config: { url: \`\${feed.url}/feed\`, token: TOKEN, pollInterval: '1s' } });
  const sink = new FakeSink();
  sink.failNext(1, new ConnectorError('INVALID_PAYLOAD', 'the hub will never take this message'));
  const instance = await ${camel}Connector.create(test.context);
  assert.ok(instance.start);
  const reading = await instance.start(sink);
  try {
    const [refused, next] = await feed.publish(2);
    await sink.waitForAccepted([next ?? ''], 5000);
    await eventually(async () => (await feed.acknowledged()) === 2);
    assert.deepEqual(sink.acceptedIds, [next]);
    assert.equal(sink.calls, 2, 'the refused message is not handed over again');
    assert.ok(test.logs.some((line) => line.level === 'warn' && line.message.includes(refused ?? '?')));
  } finally {
    await reading.stop();
    await test.dispose();
  }
});

async function eventually(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(\`still not true after \${timeoutMs} ms\`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
`;
}

export function inboundFakeFeed(_input: TemplateInput): string {
  return `import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type InboundSource } from 'replywatch/testing';

interface Item {
  seq: number;
  id: string;
  conversation: string;
  author: { id: string; name?: string };
  text: string;
  sentAt: string;
}

/**
 * The feed the connector polls, driven by the contract kit: \`GET /feed?after=<cursor>\` with a
 * bearer token answers the items after the cursor. Sending a cursor back is how a reader
 * confirms what it has committed, so that is what acknowledged() counts.
 */
export class FakeFeed implements InboundSource {
  url = '';
  private items: Item[] = [];
  private seq = 0;
  private confirmed = 0;
  private readonly server: Server;

  constructor(private readonly token: string) {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://feed');
      if (req.headers.authorization !== \`Bearer \${this.token}\`) return void res.writeHead(401).end();
      if (req.method !== 'GET' || url.pathname !== '/feed') return void res.writeHead(404).end();
      const after = Number(url.searchParams.get('after') ?? 0);
      this.confirmed = Math.max(this.confirmed, after);
      const page = this.items.filter((item) => item.seq > after).slice(0, 50);
      const cursor = String(page.at(-1)?.seq ?? after);
      const body = { items: page.map(({ seq: _seq, ...item }) => item), cursor };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = \`http://127.0.0.1:\${(this.server.address() as AddressInfo).port}\`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  reset(): Promise<void> {
    // Sequence numbers keep counting, so a cursor from an earlier check never matches a new item.
    this.items = [];
    this.confirmed = this.seq;
    return Promise.resolve();
  }

  publish(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const seq = ++this.seq;
      const id = \`msg-\${seq}\`;
      this.items.push({ seq, id, conversation: 'acme-support', author: { id: 'customer-7', name: 'Ann' }, text: \`Where is my order \${seq}?\`, sentAt: new Date().toISOString() });
      ids.push(id);
    }
    return Promise.resolve(ids);
  }

  acknowledged(): Promise<number> {
    return Promise.resolve(this.items.filter((item) => item.seq <= this.confirmed).length);
  }
}
`;
}
