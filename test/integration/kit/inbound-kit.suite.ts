import { checkInboundConnector, formatKitReport, INBOUND_CHECKS, type InboundCheck, type KitReport } from '../../../src/plugins/testing';
import { FeedServer } from './connectors/feed';
import { feedConnector, type InboundFlaws } from './connectors/feed-inbound';
import { webhookConnector, WebhookPusher } from './connectors/webhook-inbound';

const API_KEY = 'feed-key-0123456789';
const HOOK_TOKEN = 'hook-token-0123456789abcdef';

function expectOnlyFailures(report: KitReport, failing: readonly InboundCheck[]): void {
  const outcomes = Object.fromEntries(report.checks.map((c) => [c.name, c.outcome]));
  const expected = Object.fromEntries(INBOUND_CHECKS.map((name) => [name, failing.includes(name) ? 'failed' : 'passed']));
  // The formatted report rides along so a failure shows every detail.
  expect({ report: formatKitReport(report), outcomes: outcomes }).toMatchObject({ outcomes: expected });
}

const detail = (report: KitReport, name: InboundCheck): string => report.checks.find((c) => c.name === name)?.detail ?? '';

describe('checkInboundConnector over a polled feed', () => {
  const feed = new FeedServer(API_KEY);
  beforeAll(() => feed.listen());
  afterAll(() => feed.close());

  // A flawed connector makes some wait run to its end: a shorter timeout keeps those runs quick.
  const check = (id: string, flaws: InboundFlaws = {}): Promise<KitReport> =>
    checkInboundConnector(feedConnector(id, flaws), { config: () => ({ feedUrl: feed.url, apiKey: API_KEY, pollInterval: '2s' }), source: feed, timeoutMs: Object.keys(flaws).length > 0 ? 1500 : 5000 });

  it('passes a connector that stores its cursor after accept resolves, in a few seconds', async () => {
    const started = performance.now();
    const report = await check('kit-feed');
    expectOnlyFailures(report, []);
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it('passes the same reader run by ctx.scheduler.every', async () => {
    const report = await checkInboundConnector(feedConnector('kit-feed-scheduled', {}, { loop: 'scheduler' }), { config: () => ({ feedUrl: feed.url, apiKey: API_KEY, pollInterval: '2s' }), source: feed });
    expectOnlyFailures(report, []);
  });

  it('fails no-ack-before-accept for a connector writing its cursor while accept is pending (and so loses a failed message)', async () => {
    const report = await check('kit-feed-early-cursor', { cursorBeforeAccept: true });
    expectOnlyFailures(report, ['no-ack-before-accept', 'failed-accept-redelivered']);
    expect(detail(report, 'no-ack-before-accept')).toBe('ctx.state was written 1 time(s) while accept() had not resolved: store a cursor only after accept() resolves');
  });

  it('fails restart-resumes only for a connector keeping its cursor in memory', async () => {
    const report = await check('kit-feed-memory', { memoryCursor: true });
    expectOnlyFailures(report, ['restart-resumes']);
    expect(detail(report, 'restart-resumes')).toMatch(/accepted 3 message\(s\) besides the 2 new ones/);
  });

  it('fails stop-finishes-in-flight only for a connector whose stop() does not wait', async () => {
    const report = await check('kit-feed-hasty-stop', { stopDoesNotWait: true });
    expectOnlyFailures(report, ['stop-finishes-in-flight']);
    expect(detail(report, 'stop-finishes-in-flight')).toMatch(/^stop\(\) resolved while accept\(\) was still in flight/);
  });

  it('fails failed-accept-redelivered only for a connector that swallows a failed accept', async () => {
    const report = await check('kit-feed-swallow', { swallowsFailedAccept: true });
    expectOnlyFailures(report, ['failed-accept-redelivered']);
    expect(detail(report, 'failed-accept-redelivered')).toMatch(/the message was lost/);
  });

  it('fails an empty skip reason and reports a written one as skipped', async () => {
    const report = await checkInboundConnector(feedConnector('kit-feed'), {
      config: () => ({ feedUrl: feed.url, apiKey: API_KEY }),
      source: feed,
      skip: { 'restart-resumes': '', verify: 'verify() is covered by the feed client tests' },
    });
    expect(Object.fromEntries(report.checks.map((c) => [c.name, c.outcome]))).toMatchObject({ 'restart-resumes': 'failed', verify: 'skipped', 'delivers-all': 'passed' });
  });
});

describe('checkInboundConnector over a webhook', () => {
  const pusher = new WebhookPusher(HOOK_TOKEN);
  afterAll(() => pusher.drain());

  it('passes a connector that answers 200 only after accept resolves', async () => {
    const report = await checkInboundConnector(webhookConnector(), { config: () => ({ secretToken: HOOK_TOKEN }), source: pusher });
    expectOnlyFailures(report, []);
    expect(detail(report, 'no-ack-before-accept')).toBe('nothing acknowledged at the source or written to ctx.state while accept() was pending');
  });

  it('fails every check for a config that does not parse, naming the field and not the value', async () => {
    const report = await checkInboundConnector(webhookConnector(), { config: () => ({ secretToken: 'short-secret' }), source: pusher });
    expect(new Set(report.checks.map((c) => c.outcome))).toEqual(new Set(['failed']));
    expect(detail(report, 'manifest')).toMatch(/config does not match manifest.configSchema:\s+secretToken: Too small/);
    expect(formatKitReport(report)).not.toContain('short-secret');
  });

  it('reports a connector that never accepts what is pushed to it, each wait bounded by timeoutMs', async () => {
    // A valid config with another token than the sender's: every push is refused with 401.
    const started = performance.now();
    const report = await checkInboundConnector(webhookConnector(), { config: () => ({ secretToken: 'another-token-0123456789' }), source: pusher, timeoutMs: 300 });
    expectOnlyFailures(report, ['delivers-all', 'no-ack-before-accept', 'failed-accept-redelivered', 'restart-resumes', 'stop-finishes-in-flight']);
    expect(detail(report, 'delivers-all')).toMatch(/^after publishing 3: 3 of 3 message\(s\) not accepted within 300 ms/);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
