import { randomUUID } from 'node:crypto';
import { FakeSlack } from '../../support/fake-slack';
import { ingestBody, startTestHub, type TestHub } from '../../support/hub-harness';
import { until } from '../../support/mail-hub';
import { makeTestCertificates, trustTestCa } from '../../support/test-certificates';

const TOKEN = 'xoxb-3333-4444-faultstoken';
const FIFTY_MB = 50 * 1024 * 1024;
/** A short budget, so that retried faults end as dead letters in seconds, not a day. */
const OUTBOX = { pollInterval: '100ms', baseDelay: '100ms', maxDelay: '300ms', maxAttempts: 3 };
const HTML_PAGE = '<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please sign in to continue</body></html>';
const BAD_GATEWAY = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>';

const DUTY = 'C0DUTY00001';
const HTML = 'C0HTML00001';
const BAD_GW = 'C0BADGW0001';
const HUGE = 'C0HUGE00001';
const MOVED = 'C0MOVED0001';
const UNKNOWN = 'C0NOPE00001';

interface DeliveryRow {
  status: string;
  last_error: string | null;
  attempts: number;
}

interface Ready {
  connectors: Record<string, { status: string; detail?: string; parts?: Array<{ name: string; status: string; detail?: string }> }>;
}

async function open(hub: TestHub, conversation: string): Promise<void> {
  const response = await hub.post(ingestBody({ conversation, id: randomUUID(), sentAt: new Date(Date.now() - 1000).toISOString() }));
  expect(response.status).toBe(200);
}

async function only(hub: TestHub, target: string, conversation: string): Promise<DeliveryRow> {
  const rows = await hub.db.query<DeliveryRow>(`SELECT status, last_error, attempts FROM deliveries WHERE target->>'name' = $1 AND payload->'conversation'->>'id' = $2`, [target, conversation]);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

/** Waits until the `count` deliveries about `conversation` are delivered, dead, or held (refused credentials). */
async function settled(hub: TestHub, conversation: string, count: number): Promise<void> {
  await until(
    `${count} Slack deliveries are delivered, dead or held`,
    async () => {
      const rows = await hub.db.query<{ status: string; last_error: string | null }>(`SELECT status, last_error FROM deliveries WHERE connector = 'slack' AND payload->'conversation'->>'id' = $1`, [conversation]);
      // Held: refused credentials wait for an operator (AUTH_FAILED), after one attempt.
      return rows.length === count && rows.every((r) => r.status === 'delivered' || r.status === 'dead' || (r.last_error?.startsWith('AUTH_FAILED') ?? false));
    },
    40_000,
  );
}

async function ready(hub: TestHub): Promise<Ready> {
  const response = await fetch(`${hub.url}/health/ready`);
  expect(response.status).toBe(200);
  return (await response.json()) as Ready;
}

/**
 * The Slack connector against peers that misbehave over real HTTP(S): the Web API answering
 * web pages, 50 MB, a redirect, nothing in time, an unknown channel; incoming webhooks behind
 * certificates that do not verify, gone, redirecting, refusing, or answering a web page. Each
 * fault ends classified and explained within the retry budget; the worker keeps posting.
 */
describe('Slack against faulty peers', () => {
  const certs = makeTestCertificates();
  const slack = new FakeSlack(TOKEN);
  const elsewhere = new FakeSlack(TOKEN);
  const secure = new FakeSlack(TOKEN);
  const selfSigned = new FakeSlack(TOKEN);
  const wrongHost = new FakeSlack(TOKEN);
  const peers = [slack, elsewhere, secure, selfSigned, wrongHost];
  const hookEnv: Record<string, string> = {};
  const targets: Array<{ name: string; to: Record<string, string> }> = [];
  let untrust: () => void = () => undefined;
  let hub: TestHub;

  beforeAll(async () => {
    await slack.start();
    await elsewhere.start();
    await secure.start({ tls: certs.valid });
    await selfSigned.start({ tls: certs.selfSigned });
    await wrongHost.start({ tls: certs.wrongHost });
    untrust = trustTestCa(certs.ca);
    for (const peer of peers) peer.minIntervalMs = 0;
    slack.channel(DUTY).channel(HTML).channel(BAD_GW).channel(HUGE).channel(MOVED);
    const away = `${elsewhere.url.replace('127.0.0.1', 'localhost')}`;
    slack.answer((r) => r.channel === HTML, { status: 200, body: HTML_PAGE });
    slack.answer((r) => r.channel === BAD_GW, { status: 502, body: BAD_GATEWAY });
    slack.answer((r) => r.channel === HUGE, { status: 200, streamBytes: FIFTY_MB });
    slack.answer((r) => r.channel === MOVED, { status: 302, headers: { location: `${away}/api/chat.postMessage` } });
    slack.answer((r) => r.path === '/services/T1/B6/moved', { status: 301, headers: { location: `${away}/services/T1/B6/moved` } });
    slack.answer((r) => r.path === '/services/T1/B7/page', { status: 200, body: HTML_PAGE });
    const hooks: Record<string, string> = {
      'hook-ok': secure.hook('/services/T1/B1/secure', DUTY),
      'hook-self': selfSigned.hook('/services/T1/B2/self', DUTY),
      'hook-host': wrongHost.hook('/services/T1/B3/host', DUTY),
      'hook-gone': `${slack.url}/services/T1/B5/gone`,
      'hook-moved': `${slack.url}/services/T1/B6/moved`,
      'hook-page': `${slack.url}/services/T1/B7/page`,
    };
    secure.channel(DUTY);
    for (const [name, url] of Object.entries(hooks)) {
      const env = `TEST_SLACK_FAULTS_${name.replace('-', '_').toUpperCase()}`;
      process.env[env] = url;
      hookEnv[name] = url;
      targets.push({ name, to: { webhook: name } });
    }
    for (const [name, channel] of Object.entries({ 'slack-duty': DUTY, 'slack-html': HTML, 'slack-502': BAD_GW, 'slack-huge': HUGE, 'slack-moved': MOVED, 'slack-unknown': UNKNOWN })) {
      targets.push({ name, to: { channel } });
    }
    hub = await startTestHub({
      hub: {
        outbox: OUTBOX,
        connectors: {
          http: { enabled: true, secret: '${TEST_INGEST_SECRET}' },
          slack: {
            token: TOKEN,
            apiUrl: `${slack.url}/api`,
            incomingWebhooks: Object.keys(hooks).map((name) => ({ name, urlEnv: `TEST_SLACK_FAULTS_${name.replace('-', '_').toUpperCase()}` })),
          },
        },
      },
      rules: {
        duty: { targets: targets.map((t) => ({ ...t, connector: 'slack' })) },
        notify: { inquiryOpened: targets.map((t) => t.name) },
      },
    });
    await open(hub, 'sf-1');
    await settled(hub, 'sf-1', targets.length);
  });

  afterAll(async () => {
    untrust();
    await hub?.close();
    for (const peer of peers) await peer.stop();
  });

  const bodyOf = (conversation: string) => (post: { blocks: unknown }) => JSON.stringify(post.blocks).includes(`\`${conversation}\``);

  it('posts through the bot and through an incoming webhook over https with a certificate that verifies', async () => {
    expect(await only(hub, 'slack-duty', 'sf-1')).toMatchObject({ status: 'delivered' });
    expect(await only(hub, 'hook-ok', 'sf-1')).toMatchObject({ status: 'delivered' });
    expect(slack.postsTo(DUTY).filter(bodyOf('sf-1'))).toHaveLength(1);
    expect(secure.posts.filter(bodyOf('sf-1'))).toHaveLength(1);
  });

  it('does not take a web page with HTTP 200 for an answer: retried, then dead-lettered in its own words', async () => {
    const row = await only(hub, 'slack-html', 'sf-1');
    expect(row).toMatchObject({ status: 'dead', attempts: 3 });
    expect(row.last_error).toMatch(/^TEMPORARY: slack-html: Slack answered something that is not its JSON \(HTTP 200, text\/html: <!DOCTYPE html>.*Please sign in/);
    expect(row.last_error).toMatch(/a wrong connectors\.slack\.apiUrl \(gave up after 3 failed attempts\)$/);
  });

  it('explains a 502 page from something in front of Slack', async () => {
    const row = await only(hub, 'slack-502', 'sf-1');
    expect(row).toMatchObject({ status: 'dead', attempts: 3 });
    expect(row.last_error).toMatch(/^TEMPORARY: slack-502: Slack failed \(HTTP 502: <html><head><title>502 Bad Gateway<\/title>/);
  });

  it('reads a 50 MB answer only up to the cap, and closes the connection on it', async () => {
    const row = await only(hub, 'slack-huge', 'sf-1');
    expect(row).toMatchObject({ status: 'dead', attempts: 3 });
    expect(row.last_error).toMatch(/^TEMPORARY: slack-huge: Slack answered something that is not its JSON \(HTTP 200, text\/html: x{120}\)/);
    expect(row.last_error!.length).toBeLessThan(1000);
    const answers = slack.requests.filter((r) => r.channel === HUGE);
    expect(answers).toHaveLength(3);
    await until('Slack saw each connection closed', () => Promise.resolve(answers.every((a) => a.closedAfterMs !== undefined && a.bytesSent !== undefined)));
    for (const answer of answers) expect(answer.bytesSent).toBeLessThan(16 * 1024 * 1024);
  });

  it('does not follow a redirect of the Web API or of an incoming webhook to another host', async () => {
    const api = await only(hub, 'slack-moved', 'sf-1');
    expect(api).toMatchObject({ status: 'dead', attempts: 1 });
    expect(api.last_error).toMatch(/^NOT_FOUND: slack-moved: the Web API at connectors\.slack\.apiUrl answered with a redirect \(HTTP 302 to http:\/\/localhost:\d+\); redirects are not followed: set apiUrl to the final URL/);
    const hook = await only(hub, 'hook-moved', 'sf-1');
    expect(hook).toMatchObject({ status: 'dead', attempts: 1 });
    expect(hook.last_error).toMatch(/^NOT_FOUND: webhook hook-moved: the incoming webhook URL redirects \(HTTP 301\); use the URL Slack gave you/);
    expect(elsewhere.requests).toHaveLength(0);
    expect(elsewhere.posts).toHaveLength(0);
  });

  it('dead-letters an unknown channel at once, saying what to check', async () => {
    const row = await only(hub, 'slack-unknown', 'sf-1');
    expect(row).toMatchObject({ status: 'dead', attempts: 1 });
    expect(row.last_error).toMatch(/^NOT_FOUND: slack-unknown: Slack cannot post there \(channel_not_found\): check the channel id in rules\.yaml/);
  });

  it('never posts to an incoming webhook whose certificate does not verify; the budget ends it', async () => {
    const self = await only(hub, 'hook-self', 'sf-1');
    expect(self).toMatchObject({ status: 'dead', attempts: 3 });
    expect(self.last_error).toMatch(/^TEMPORARY: webhook hook-self: the peer's TLS certificate was not accepted \(self-signed certificate; DEPTH_ZERO_SELF_SIGNED_CERT\), so nothing was sent: .* \(gave up after 3 failed attempts\)$/);
    const host = await only(hub, 'hook-host', 'sf-1');
    expect(host).toMatchObject({ status: 'dead', attempts: 3 });
    expect(host.last_error).toMatch(/^TEMPORARY: webhook hook-host: the peer's TLS certificate was not accepted \(hostname mismatch: .*ERR_TLS_CERT_ALTNAME_INVALID\)/);
    for (const peer of [selfSigned, wrongHost]) {
      expect(peer.requests).toHaveLength(0);
      expect(peer.posts).toHaveLength(0);
      await until('the peer saw three refused handshakes', () => Promise.resolve(peer.tlsFailures >= 3));
    }
  });

  it('dead-letters a gone incoming webhook at once, and retries one that answers a web page', async () => {
    const gone = await only(hub, 'hook-gone', 'sf-1');
    expect(gone).toMatchObject({ status: 'dead', attempts: 1 });
    expect(gone.last_error).toMatch(/^NOT_FOUND: webhook hook-gone: the incoming webhook's channel is gone \(HTTP 404: no_service\); make a new webhook/);
    const page = await only(hub, 'hook-page', 'sf-1');
    expect(page).toMatchObject({ status: 'dead', attempts: 3 });
    expect(page.last_error).toMatch(/^TEMPORARY: webhook hook-page: the incoming webhook answered with a web page, not Slack's "ok" \(HTTP 200, text\/html: <!DOCTYPE html>/);
  });

  it('shows each failing incoming webhook on /health/ready, and the bot as up', async () => {
    const { slack: health } = (await ready(hub)).connectors;
    expect(health?.status).toBe('degraded');
    expect(health?.detail).toMatch(/^bot replywatch in Acme; incoming webhooks failing: /);
    const part = (name: string) => health?.parts?.find((p) => p.name === `webhook ${name}`);
    expect(part('hook-self')).toMatchObject({ status: 'degraded', detail: expect.stringMatching(/^last attempt .*: TEMPORARY: the peer's TLS certificate was not accepted \(self-signed certificate/) as unknown });
    expect(part('hook-host')?.detail).toMatch(/hostname mismatch/);
    expect(part('hook-gone')).toMatchObject({ status: 'down', detail: expect.stringMatching(/NOT_FOUND: the incoming webhook's channel is gone \(HTTP 404: no_service\)/) as unknown });
    expect(part('hook-moved')?.status).toBe('down');
    expect(part('hook-page')?.status).toBe('degraded');
    expect(part('hook-ok')).toBeUndefined();
  });

  it('keeps posting afterwards, and shows no secret anywhere', async () => {
    await open(hub, 'sf-2');
    await until('the next cards arrive', () => Promise.resolve(slack.postsTo(DUTY).some(bodyOf('sf-2')) && secure.posts.some(bodyOf('sf-2'))));
    const text = JSON.stringify(await hub.db.query(`SELECT last_error, history FROM deliveries`)) + JSON.stringify(await ready(hub));
    expect(text).not.toContain(TOKEN);
    for (const url of Object.values(hookEnv)) expect(text).not.toContain(new URL(url).pathname);
  });
});

/**
 * The Web API behind a certificate nobody trusts: /health/ready says so, and nothing is
 * posted. Beside it, an incoming webhook that Slack refuses (403): held or dead after one
 * attempt, for that target alone; and one that answers only after 10 s.
 */
describe('Slack’s Web API behind a self-signed certificate, and a refused incoming webhook', () => {
  const certs = makeTestCertificates();
  const slack = new FakeSlack(TOKEN);
  const hooks = new FakeSlack(TOKEN);
  let hub: TestHub;

  beforeAll(async () => {
    await slack.start({ tls: certs.selfSigned });
    await hooks.start();
    slack.minIntervalMs = 0;
    slack.channel(DUTY);
    hooks.answer((r) => r.path === '/services/T2/B1/refused', { status: 403, headers: { 'content-type': 'text/plain' }, body: 'action_prohibited' });
    hooks.answer((r) => r.path === '/services/T2/B2/slow', { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok', delayMs: 10_000 });
    process.env.TEST_SLACK_FAULTS_REFUSED = `${hooks.url}/services/T2/B1/refused`;
    process.env.TEST_SLACK_FAULTS_SLOW = `${hooks.url}/services/T2/B2/slow`;
    hub = await startTestHub({
      hub: {
        outbox: OUTBOX,
        connectors: {
          http: { enabled: true, secret: '${TEST_INGEST_SECRET}' },
          slack: {
            token: TOKEN,
            apiUrl: `${slack.url}/api`,
            // Short, for the slow webhook; few deliveries run here, so the others answer in time.
            timeout: '2s',
            incomingWebhooks: [
              { name: 'refused', urlEnv: 'TEST_SLACK_FAULTS_REFUSED' },
              { name: 'slow', urlEnv: 'TEST_SLACK_FAULTS_SLOW' },
            ],
          },
        },
      },
      rules: {
        duty: {
          targets: [
            { name: 'slack-duty', connector: 'slack', to: { channel: DUTY } },
            { name: 'hook-refused', connector: 'slack', to: { webhook: 'refused' } },
            { name: 'hook-slow', connector: 'slack', to: { webhook: 'slow' } },
          ],
        },
        notify: { inquiryOpened: ['slack-duty', 'hook-refused', 'hook-slow'] },
      },
    });
  });

  afterAll(async () => {
    await hub?.close();
    await slack.stop();
    await hooks.stop();
  });

  it('shows the certificate problem on /health/ready', async () => {
    const { slack: health } = (await ready(hub)).connectors;
    expect(health?.status).toBe('degraded');
    expect(health?.detail).toMatch(/^cannot reach Slack: the peer's TLS certificate was not accepted \(self-signed certificate; DEPTH_ZERO_SELF_SIGNED_CERT\)/);
  });

  it('never posts, and dead-letters the card with the reason when the budget ends', async () => {
    await open(hub, 'sf-tls');
    await settled(hub, 'sf-tls', 3);
    const row = await only(hub, 'slack-duty', 'sf-tls');
    expect(row).toMatchObject({ status: 'dead', attempts: 3 });
    expect(row.last_error).toMatch(/^TEMPORARY: slack-duty: the peer's TLS certificate was not accepted \(self-signed certificate; DEPTH_ZERO_SELF_SIGNED_CERT\).* \(gave up after 3 failed attempts\)$/);
    expect(slack.requests).toHaveLength(0);
    expect(slack.posts).toHaveLength(0);
  });

  it('tries a refused incoming webhook once, explains it, and shows it on /health/ready', async () => {
    const row = await only(hub, 'hook-refused', 'sf-tls');
    // Refused credentials are not tried again and again: dead, or held for an operator.
    expect(['dead', 'pending']).toContain(row.status);
    expect(row.attempts).toBe(1);
    expect(row.last_error).toMatch(/^AUTH_FAILED: webhook refused: the incoming webhook was refused \(HTTP 403: action_prohibited\)/);
    expect(hooks.requests.filter((r) => r.path === '/services/T2/B1/refused' && r.body?.includes('sf-tls'))).toHaveLength(1);
    const { slack: health } = (await ready(hub)).connectors;
    expect(health?.parts?.find((p) => p.name === 'webhook refused')).toMatchObject({ status: 'down', detail: expect.stringMatching(/AUTH_FAILED: the incoming webhook was refused \(HTTP 403: action_prohibited\)/) as unknown });
  });

  it('aborts an attempt with no answer within the timeout: Slack sees the connection closed', async () => {
    const row = await only(hub, 'hook-slow', 'sf-tls');
    expect(row).toMatchObject({ status: 'dead', attempts: 3 });
    expect(row.last_error).toMatch(/^TEMPORARY: webhook slow: no answer within 2000 ms; the attempt was aborted \(gave up after 3 failed attempts\)$/);
    // The card's attempts; the pause of hook-refused also sends this target a notice.
    const answers = hooks.requests.filter((r) => r.path === '/services/T2/B2/slow' && r.body?.includes('sf-tls'));
    expect(answers).toHaveLength(3);
    await until('Slack saw each connection closed', () => Promise.resolve(answers.every((a) => a.closedAfterMs !== undefined)));
    for (const answer of answers) {
      // Closed near the hub's 2 s limit, long before the 10 s answer.
      expect(answer.status).toBe(0);
      expect(answer.closedAfterMs).toBeLessThan(6000);
    }
  });
});

/** A bot token Slack refuses (`invalid_auth`): shown before the first alert, and not retried in a loop. */
describe('Slack refusing the bot token', () => {
  const slack = new FakeSlack(TOKEN);
  const wrongToken = 'xoxb-9999-0000-revokedtoken';
  let hub: TestHub;

  beforeAll(async () => {
    await slack.start();
    slack.minIntervalMs = 0;
    slack.channel(DUTY);
    hub = await startTestHub({
      hub: {
        outbox: OUTBOX,
        connectors: { http: { enabled: true, secret: '${TEST_INGEST_SECRET}' }, slack: { token: wrongToken, apiUrl: `${slack.url}/api` } },
      },
      rules: { duty: { targets: [{ name: 'slack-duty', connector: 'slack', to: { channel: DUTY } }] }, notify: { inquiryOpened: ['slack-duty'] } },
    });
  });

  afterAll(async () => {
    await hub?.close();
    await slack.stop();
  });

  it('shows the bot as down on /health/ready, saying why', async () => {
    const { slack: health } = (await ready(hub)).connectors;
    expect(health).toEqual({ status: 'down', detail: 'Slack refused the bot (invalid_auth): the bot token is wrong or was revoked' });
  });

  it('tries the card once, explains it, and does not hammer Slack', async () => {
    await open(hub, 'sf-auth');
    await settled(hub, 'sf-auth', 1);
    // Ten poll intervals and more than the whole retry budget of a temporary failure.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const row = await only(hub, 'slack-duty', 'sf-auth');
    expect(['dead', 'pending']).toContain(row.status);
    expect(row.attempts).toBe(1);
    expect(row.last_error).toMatch(/^AUTH_FAILED: slack-duty: Slack refused the bot \(invalid_auth\): the bot token is wrong or was revoked/);
    expect(slack.requests.filter((r) => r.path === '/api/chat.postMessage')).toHaveLength(1);
    expect(slack.posts).toHaveLength(0);
    expect(JSON.stringify(await hub.db.query(`SELECT last_error, history FROM deliveries`))).not.toContain(wrongToken);
  });
});
