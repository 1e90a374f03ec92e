import { randomBytes } from 'node:crypto';
import { VirtualClock } from '../../../src/core/clock/virtual-clock';
import { OutboxStore } from '../../../src/core/outbox/outbox-store';
import { ingestBody, latestInquiryId, type TestHub } from '../../support/hub-harness';
import { advanceBy } from '../../support/telegram-harness';
import { testBackend } from '../../support/test-database';
import { WebhookReceiver } from '../../support/webhook-receiver';
import { deliveryCounts, eventually, OPERATOR_TOKEN, signIn, startConsoleHub, VIEWER_TOKEN, webhookHubOptions, type SignedIn } from './console-fixture';

const SECRET_ENV = 'TEST_CONSOLE_LIVE_HOOK_SECRET';

/** Reads a console event stream in the background; `until` waits for a message containing a text. */
async function openStream(url: string, cookie: string) {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { cookie }, signal: abort.signal });
  let text = '';
  const reader = (res.body as ReadableStream<Uint8Array> | null)?.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) return;
        text += decoder.decode(chunk.value, { stream: true });
      }
    } catch {
      // Aborted at the end of the test.
    }
  })();
  return {
    status: res.status,
    changes: () => [...text.matchAll(/event: change\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1] ?? '{}') as Record<string, unknown>),
    close: () => abort.abort(),
  };
}

/**
 * The live parts of the inquiry and deliveries pages over HTTP: the fragments the script
 * fetches again (signed in only; a viewer may read them, without commands), and the
 * delivery changes the event stream carries for them.
 */
describe(`web console live inquiry and deliveries pages over HTTP (${testBackend})`, () => {
  const clock = new VirtualClock(Date.now());
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const receiver = new WebhookReceiver([secret], () => clock.now());
  let hub: TestHub;
  let inquiry: string;
  let operator: SignedIn;
  let viewer: SignedIn;

  const get = (path: string, session?: SignedIn) => fetch(`${hub.url}${path}`, { headers: session ? { cookie: session.cookie } : {}, redirect: 'manual' });

  beforeAll(async () => {
    process.env[SECRET_ENV] = secret;
    await receiver.start();
    receiver.otherwise = () => ({ status: 500, body: 'receiver is down' });
    hub = await startConsoleHub({ clock, ...webhookHubOptions(receiver.url, SECRET_ENV) });
    operator = await signIn(hub, OPERATOR_TOKEN);
    viewer = await signIn(hub, VIEWER_TOKEN);
  });

  afterAll(async () => {
    await hub?.close();
    await receiver.stop();
  });

  it('marks each page’s live part with its fragment, the stream and the changes it shows', async () => {
    expect((await hub.post({ ...ingestBody({ conversation: 'live-chat' }), conversation: { id: 'live-chat', title: 'Live' } })).status).toBe(200);
    inquiry = await latestInquiryId(hub.db, 'live-chat');
    const inquiryPage = await (await get(`/inquiries/${inquiry}`, viewer)).text();
    expect(inquiryPage).toContain(`<div id="inquiry" data-live-url="/inquiries/${inquiry}/live" data-events-url="/events" data-live-filter="inquiry:${inquiry}"`);
    const deliveriesPage = await (await get('/deliveries?connector=webhook', viewer)).text();
    expect(deliveriesPage).toContain('<div id="deliveries" data-live-url="/deliveries/live?connector=webhook" data-events-url="/events" data-live-filter="deliveries"');
    expect(await (await get('/', viewer)).text()).toContain('<div id="queue" data-live-url="/queue/rows" data-events-url="/events" data-live-filter="queue">');
  });

  it('answers 401 for the fragments without a sign-in, and 404 for an unknown inquiry', async () => {
    for (const path of [`/inquiries/${inquiry}/live`, '/deliveries/live']) {
      const res = await get(path);
      expect(res.status).toBe(401);
      expect(res.headers.get('cache-control')).toContain('no-store');
    }
    expect((await get('/inquiries/00000000-0000-4000-8000-000000000000/live', viewer)).status).toBe(404);
  });

  it('gives a viewer the inquiry’s fragment without commands, an operator with them, with the server’s time', async () => {
    const res = await get(`/inquiries/${inquiry}/live`, viewer);
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('x-server-now'))).toBe(clock.now());
    const part = await res.text();
    expect(part).not.toContain('<html');
    expect(part).toContain('<dd class="status-open">Waiting</dd>');
    expect(part).toContain('Hello, our invoices are not loading');
    expect(part).not.toContain(`/inquiries/${inquiry}/hold`);
    expect(await (await get(`/inquiries/${inquiry}/live`, operator)).text()).toContain(`/inquiries/${inquiry}/hold`);
  });

  it('carries the inquiry’s delivery changes on the stream, and the fragments show them', async () => {
    const stream = await openStream(`${hub.url}/events`, viewer.cookie);
    expect(stream.status).toBe(200);
    // What the re-check reads for other replicas' changes: it must move with each of them.
    const outbox = new OutboxStore(hub.db);
    const marks = [await outbox.changeMark()];
    try {
      await eventually('a dead letter', async () => {
        await advanceBy(clock, 1000, 1000);
        return (await deliveryCounts(hub, 'webhook')).dead === 1;
      });
      await eventually('the dead letter on the stream', () => Promise.resolve(stream.changes().some((c) => c.type === 'deliveries' && c.inquiryId === inquiry)));
      marks.push(await outbox.changeMark());
      const part = await (await get('/deliveries/live?connector=webhook', viewer)).text();
      expect(part).toMatch(/data-target="webhook\/ops-hook"[\s\S]*?class="dead-count">1</);
      expect(part).not.toContain('<html');
      expect(await (await get(`/inquiries/${inquiry}/live`, viewer)).text()).toContain('data-status="dead"');

      // A replay of the set says so once, without an inquiry (the page re-reads what it shows).
      receiver.otherwise = () => ({ status: 204 });
      const before = stream.changes().length;
      expect((await hub.command('/api/v1/deliveries/replay', { connector: 'webhook' })).status).toBe(200);
      await eventually('the replay delivered', async () => (await deliveryCounts(hub, 'webhook')).delivered === 1);
      await eventually('the replay and the delivery on the stream', () => {
        const later = stream.changes().slice(before);
        return Promise.resolve(later.some((c) => c.type === 'deliveries' && c.inquiryId === undefined) && later.some((c) => c.type === 'deliveries' && c.inquiryId === inquiry));
      });
      expect(await (await get('/deliveries/live', viewer)).text()).toContain('No dead or retrying deliveries.');
      marks.push(await outbox.changeMark());
      expect(new Set(marks).size).toBe(3);
    } finally {
      stream.close();
    }
  });

  it('keeps the deliveries fragment’s filters and page', async () => {
    const part = await (await get('/deliveries/live?connector=webhook&page=2', viewer)).text();
    expect(part).toContain('<option value="webhook" selected>webhook</option>');
    expect(part).toContain('href="/deliveries?connector=webhook">');
  });
});
