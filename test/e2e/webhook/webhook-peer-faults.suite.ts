import { randomBytes, randomUUID } from 'node:crypto';
import { ingestBody, startTestHub, type TestHub } from '../../support/hub-harness';
import { until } from '../../support/mail-hub';
import { makeTestCertificates, trustTestCa } from '../../support/test-certificates';
import { WebhookReceiver } from '../../support/webhook-receiver';

const whsec = () => `whsec_${randomBytes(32).toString('base64')}`;
const FIFTY_MB = 50 * 1024 * 1024;
/** A short budget, so that retried faults end as dead letters in a second, not a day. */
const OUTBOX = { pollInterval: '100ms', baseDelay: '100ms', maxDelay: '300ms', maxAttempts: 3 };

interface DeliveryRow {
  status: string;
  last_error: string | null;
  attempts: number;
}

async function open(hub: TestHub, conversation: string): Promise<void> {
  const response = await hub.post(ingestBody({ conversation, id: randomUUID(), sentAt: new Date(Date.now() - 1000).toISOString() }));
  expect(response.status).toBe(200);
}

async function deliveriesTo(hub: TestHub, target: string): Promise<DeliveryRow[]> {
  return hub.db.query<DeliveryRow>(`SELECT status, last_error, attempts FROM deliveries WHERE target->>'name' = $1 ORDER BY created_at`, [target]);
}

/**
 * The webhook connector against receivers that misbehave over real HTTP(S): certificates that
 * do not verify, a redirect to another host, a wrong URL, a 50 MB answer, an answer that never
 * comes. Each fault ends classified and explained, within the retry budget, and the worker
 * keeps delivering to the receivers that work.
 */
describe('signed webhooks against faulty receivers', () => {
  const secret = whsec();
  const certs = makeTestCertificates();
  const trusted = new WebhookReceiver([secret]);
  const selfSigned = new WebhookReceiver([secret]);
  const wrongHost = new WebhookReceiver([secret]);
  const moved = new WebhookReceiver([secret]);
  const elsewhere = new WebhookReceiver([secret]);
  const missing = new WebhookReceiver([secret]);
  const huge = new WebhookReceiver([secret]);
  const slow = new WebhookReceiver([secret]);
  const all = [trusted, selfSigned, wrongHost, moved, elsewhere, missing, huge, slow];
  const names = ['trusted', 'self-signed', 'wrong-host', 'moved', 'missing', 'huge', 'slow'];
  let untrust: () => void = () => undefined;
  let hub: TestHub;

  beforeAll(async () => {
    process.env.TEST_WEBHOOK_FAULTS_SECRET = secret;
    await trusted.start({ tls: certs.valid });
    await selfSigned.start({ tls: certs.selfSigned });
    await wrongHost.start({ tls: certs.wrongHost });
    for (const receiver of [moved, elsewhere, missing, huge, slow]) await receiver.start();
    // The hub trusts the test CA, as NODE_EXTRA_CA_CERTS would make it: `trusted` verifies,
    // `wrong-host` fails on its host name alone; `self-signed` is trusted by nobody.
    untrust = trustTestCa(certs.ca);
    moved.otherwise = () => ({ status: 307, headers: { location: `${elsewhere.url.replace('127.0.0.1', 'localhost')}/hook` } });
    missing.otherwise = () => ({ status: 404, body: 'no such hook' });
    huge.otherwise = () => ({ status: 500, headers: { 'content-type': 'text/html' }, streamBytes: FIFTY_MB });
    slow.otherwise = () => ({ status: 204, delayMs: 5000 });
    const url = (receiver: WebhookReceiver) => `${receiver.url}/hook`;
    hub = await startTestHub({
      hub: {
        outbox: OUTBOX,
        connectors: {
          http: { enabled: true, secret: '${TEST_INGEST_SECRET}' },
          webhook: {
            maxResponseBytes: 4096,
            endpoints: [
              { name: 'trusted', url: url(trusted), secretEnv: 'TEST_WEBHOOK_FAULTS_SECRET' },
              { name: 'self-signed', url: url(selfSigned), secretEnv: 'TEST_WEBHOOK_FAULTS_SECRET' },
              { name: 'wrong-host', url: url(wrongHost), secretEnv: 'TEST_WEBHOOK_FAULTS_SECRET' },
              { name: 'moved', url: url(moved), secretEnv: 'TEST_WEBHOOK_FAULTS_SECRET' },
              { name: 'missing', url: url(missing), secretEnv: 'TEST_WEBHOOK_FAULTS_SECRET' },
              { name: 'huge', url: url(huge), secretEnv: 'TEST_WEBHOOK_FAULTS_SECRET' },
              { name: 'slow', url: url(slow), secretEnv: 'TEST_WEBHOOK_FAULTS_SECRET', timeout: '300ms' },
            ],
          },
        },
      },
      rules: {
        duty: { targets: names.map((name) => ({ name, connector: 'webhook', to: { endpoint: name } })) },
        notify: { inquiryOpened: names },
      },
    });
    // One event for every endpoint; each test below reads how its endpoint's delivery ended.
    await open(hub, 'faults-1');
    await until(
      'every delivery is delivered or dead',
      async () => {
        const rows = await hub.db.query<{ status: string }>(`SELECT status FROM deliveries WHERE connector = 'webhook'`);
        return rows.length === names.length && rows.every((r) => r.status === 'delivered' || r.status === 'dead');
      },
      30_000,
    );
  });

  afterAll(async () => {
    untrust();
    await hub?.close();
    for (const receiver of all) await receiver.stop();
  });

  async function only(target: string): Promise<DeliveryRow> {
    const rows = await deliveriesTo(hub, target);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  }

  it('delivers over https to a certificate that verifies', async () => {
    expect(await only('trusted')).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(trusted.acceptedIds()).toHaveLength(1);
  });

  it('never sends to a self-signed certificate: each attempt fails the handshake, and the budget ends it as a dead letter that names the problem', async () => {
    const row = await only('self-signed');
    expect(row).toMatchObject({ status: 'dead', attempts: 3 });
    expect(row.last_error).toMatch(/^TEMPORARY: the peer's TLS certificate was not accepted \(self-signed certificate; DEPTH_ZERO_SELF_SIGNED_CERT\), so nothing was sent: .* \(gave up after 3 failed attempts\)$/);
    expect(selfSigned.received).toHaveLength(0);
    // The receiver learns of the refused handshake a moment after the hub has given up on it.
    await until('the receiver saw three refused handshakes', () => Promise.resolve(selfSigned.tlsFailures >= 3));
    expect(selfSigned.tlsFailures).toBe(3);
  });

  it('never sends to a certificate issued for another host', async () => {
    const row = await only('wrong-host');
    expect(row).toMatchObject({ status: 'dead', attempts: 3 });
    expect(row.last_error).toMatch(/TLS certificate was not accepted \(hostname mismatch: Hostname\/IP does not match certificate's altnames: IP: 127\.0\.0\.1 .*; ERR_TLS_CERT_ALTNAME_INVALID\).*\(gave up after 3 failed attempts\)$/);
    expect(wrongHost.received).toHaveLength(0);
    await until('the receiver saw three refused handshakes', () => Promise.resolve(wrongHost.tlsFailures >= 3));
    expect(wrongHost.tlsFailures).toBe(3);
  });

  it('does not follow a redirect to another host, and dead-letters it at once', async () => {
    const row = await only('moved');
    expect(row).toMatchObject({ status: 'dead', attempts: 1 });
    expect(row.last_error).toMatch(/^NOT_FOUND: endpoint moved: the receiver redirected to http:\/\/localhost:\d+\/hook \(HTTP 307\); redirects are not followed: configure the final URL/);
    expect(moved.received).toHaveLength(1);
    expect(elsewhere.received).toHaveLength(0);
  });

  it('dead-letters a wrong URL (404) at once, in the receiver’s words', async () => {
    const row = await only('missing');
    expect(row).toMatchObject({ status: 'dead', attempts: 1 });
    expect(row.last_error).toMatch(/^NOT_FOUND: endpoint missing: no receiver at this URL \(HTTP 404: no such hook\)/);
  });

  it('reads a 50 MB answer only up to maxResponseBytes, and closes the connection on it', async () => {
    const row = await only('huge');
    expect(row).toMatchObject({ status: 'dead', attempts: 3 });
    expect(row.last_error).toMatch(/^TEMPORARY: endpoint huge: the receiver failed \(HTTP 500: x{300}\) \(gave up after 3 failed attempts\)$/);
    expect(huge.received).toHaveLength(3);
    await until('the receiver saw each connection closed', () => Promise.resolve(huge.received.every((r) => r.closedAfterMs !== undefined && r.bytesSent !== undefined)));
    for (const request of huge.received) {
      expect(request.closedAfterMs).toBeDefined();
      expect(request.bytesSent).toBeLessThan(16 * 1024 * 1024);
    }
  });

  it('aborts an attempt that gets no answer within the endpoint’s timeout: the receiver sees the connection closed', async () => {
    const row = await only('slow');
    expect(row).toMatchObject({ status: 'dead', attempts: 3 });
    expect(row.last_error).toMatch(/^TEMPORARY: no answer within 300 ms; the attempt was aborted \(gave up after 3 failed attempts\)$/);
    // The hub gives up on its own clock: on a busy machine the receiver parses a request after
    // the hub recorded its failure, or never sees one the hub gave up on while still connecting.
    // So the receiver sees at most the three attempts, and each it saw ends without an answer.
    await until('the receiver saw three requests', () => Promise.resolve(slow.received.length >= 3), 3000).catch(() => undefined);
    expect(slow.received.length).toBeGreaterThanOrEqual(1);
    expect(slow.received.length).toBeLessThanOrEqual(3);
    await until('the receiver saw each connection closed', () => Promise.resolve(slow.received.every((r) => r.closedAfterMs !== undefined)));
    for (const request of slow.received) {
      // Closed by the hub near its 300 ms limit (counted from its side), long before the 5 s answer.
      expect(request.answered).toBeUndefined();
      expect(request.closedAfterMs).toBeLessThan(2000);
    }
  });

  it('keeps delivering afterwards, and /health/ready answers', async () => {
    await open(hub, 'faults-2');
    await until('the second event reaches the trusted receiver', () => Promise.resolve(trusted.acceptedIds().length === 2));
    const ready = await fetch(`${hub.url}/health/ready`);
    expect(ready.status).toBe(200);
    const text = JSON.stringify(await hub.db.query(`SELECT last_error, history FROM deliveries`)) + JSON.stringify(await ready.json());
    expect(text).not.toContain(secret.slice('whsec_'.length, 30));
  });
});

/**
 * A receiver that refuses the signature (403) is a setting a person must fix: the delivery is
 * not tried again and again, and says what to check.
 */
describe('signed webhooks against a receiver that refuses them', () => {
  const secret = whsec();
  const refusing = new WebhookReceiver([secret]);
  let hub: TestHub;

  beforeAll(async () => {
    process.env.TEST_WEBHOOK_REFUSED_SECRET = secret;
    await refusing.start();
    refusing.otherwise = () => ({ status: 403, body: 'signature does not match' });
    hub = await startTestHub({
      hub: {
        outbox: OUTBOX,
        connectors: {
          http: { enabled: true, secret: '${TEST_INGEST_SECRET}' },
          webhook: { endpoints: [{ name: 'refusing', url: `${refusing.url}/hook`, secretEnv: 'TEST_WEBHOOK_REFUSED_SECRET' }] },
        },
      },
      rules: { duty: { targets: [{ name: 'refusing', connector: 'webhook', to: { endpoint: 'refusing' } }] }, notify: { inquiryOpened: ['refusing'] } },
    });
  });

  afterAll(async () => {
    await hub?.close();
    await refusing.stop();
  });

  it('explains a 403 and does not retry it within the short budget', async () => {
    await open(hub, 'refused-1');
    await until('the attempt is recorded', async () => (await deliveriesTo(hub, 'refusing')).some((d) => d.last_error !== null));
    // Ten poll intervals and more than the whole retry budget of a temporary failure.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const [row] = await deliveriesTo(hub, 'refusing');
    // Refused credentials end as a dead letter, or are held while the outbox pauses the
    // connector for an operator (the outbox's choice); either way, no second request.
    expect(['dead', 'pending']).toContain(row?.status);
    expect(row?.attempts).toBe(1);
    expect(row?.last_error).toMatch(/^AUTH_FAILED: endpoint refusing: the receiver refused the request \(HTTP 403: signature does not match\); check that it has this endpoint's signing secret/);
    expect(refusing.received).toHaveLength(1);
  });
});
