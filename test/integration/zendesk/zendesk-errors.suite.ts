import { faults } from '../../support/fake-zendesk';
import { API_TOKEN, commentPayload, createPayload, EMAIL, OAUTH_TOKEN, rejection, setUp, WEBHOOK_SECRET } from './zendesk-setup';

const BASIC = Buffer.from(`${EMAIL}/token:${API_TOKEN}`).toString('base64');

describe('zendesk connector: what Zendesk’s answers mean', () => {
  const teardown: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of teardown.splice(0).reverse()) await stop();
  });

  it('refused credentials are AUTH_FAILED, and verify() is down', async () => {
    const { zendesk, deliver, instance } = await setUp(teardown);
    zendesk.revoked = true;
    const error = await rejection(deliver(createPayload()));
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toContain("Couldn't authenticate you");
    const health = await instance.verify();
    expect(health.status).toBe('down');
    expect(health.detail).toContain('refused the credentials');
  });

  it('verify() signs in as the API user', async () => {
    const { instance, zendesk } = await setUp(teardown);
    expect(await instance.verify()).toEqual({ status: 'up', detail: 'signed in as user 7000 (admin)' });
    expect(zendesk.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v2/users/me.json']);
  });

  it('verify() shows a ticket target whose group does not exist in the account', async () => {
    const { instance, zendesk } = await setUp(teardown, { ticketTargets: [{ name: 'desk', to: { groupId: 123 } }, { name: 'typo', to: { groupId: 124 } }] });
    const health = await instance.verify();
    expect(health.status).toBe('degraded');
    expect(health.detail).toMatch(/^signed in as user 7000 \(admin\); ticket target typo: .*group 124.*Not found/);
    expect(zendesk.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v2/users/me.json', 'GET /api/v2/groups/123.json', 'GET /api/v2/groups/124.json']);
  });

  it('an unknown subdomain (Zendesk’s 404 page) is NOT_FOUND naming the setting', async () => {
    const { zendesk, deliver, instance } = await setUp(teardown);
    zendesk.subdomainExists = false;
    const error = await rejection(deliver(createPayload()));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('connectors.zendesk.subdomain');
    expect((await instance.verify()).status).toBe('down');
  });

  it('a required custom field left out is INVALID_PAYLOAD in Zendesk’s words; with the field the ticket is made', async () => {
    const { zendesk, deliver, test } = await setUp(teardown, { peer: { requiredFields: [{ id: 360009, title: 'Customer tier' }] } });
    const error = await rejection(deliver(createPayload()));
    expect(error.code).toBe('INVALID_PAYLOAD');
    expect(error.message).toContain('RecordInvalid — Record validation errors — Customer tier: field is required');
    expect(zendesk.tickets.size).toBe(0);
    // Until a delivery to the target gets through, health names it with Zendesk's words.
    const refused = test.health.last;
    expect(refused).toMatchObject({ status: 'degraded', parts: [{ name: 'refused deliveries', status: 'degraded' }] });
    expect(refused?.parts?.[0]?.detail).toMatch(/^zendesk-support: .*Customer tier: field is required/);
    await deliver(createPayload(), { target: { name: 'zendesk-support', customFields: { '360009': 'gold' } }, idempotencyKey: 'other' });
    expect(zendesk.tickets.size).toBe(1);
    expect(test.health.last).toEqual({ status: 'up', detail: 'not checked yet' });
  });

  it('429 is RATE_LIMITED, waiting as Retry-After says, or leaving the wait to the outbox without one', async () => {
    const { zendesk, deliver } = await setUp(teardown);
    zendesk.failNext('POST /api/v2/tickets.json', faults.rateLimited(30));
    expect(await rejection(deliver(createPayload()))).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 30_000 });
    zendesk.failNext('POST /api/v2/tickets.json', faults.rateLimited());
    const bare = await rejection(deliver(createPayload()));
    expect(bare).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: undefined });
    expect(bare.message).toContain('APIRateLimitExceeded');
  });

  it('5xx is TEMPORARY', async () => {
    const { zendesk, deliver } = await setUp(teardown);
    zendesk.failNext('POST /api/v2/tickets.json', faults.unavailable(500));
    const error = await rejection(deliver(createPayload()));
    expect(error.code).toBe('TEMPORARY');
    expect(error.message).toContain('HTTP 500');
  });

  it('a 200 that is not JSON is TEMPORARY and says so', async () => {
    const { zendesk, deliver } = await setUp(teardown);
    zendesk.failNext('PUT /api/v2/tickets/*.json', faults.notJson());
    await deliver(createPayload());
    const error = await rejection(deliver(commentPayload('1')));
    expect(error.code).toBe('TEMPORARY');
    expect(error.message).toMatch(/HTTP 200 with something that is not JSON \(text\/html: <html><body>Maintenance/);
  });

  it('a slow answer is given up when the hub aborts the attempt, and the request is cancelled', async () => {
    const { zendesk, deliver } = await setUp(teardown);
    zendesk.failNext('POST /api/v2/tickets.json', faults.slow(30_000));
    const controller = new AbortController();
    const started = Date.now();
    const delivering = rejection(deliver(createPayload(), { signal: controller.signal }));
    setTimeout(() => controller.abort(), 100);
    const error = await delivering;
    expect(error.code).toBe('TEMPORARY');
    expect(error.message).toContain('aborted by the hub');
    expect(Date.now() - started).toBeLessThan(5000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(zendesk.requests[0]!.closedAfterMs).toBeDefined();
    expect(zendesk.tickets.size).toBe(0);
  });

  it('an answer slower than connectors.zendesk.timeout is TEMPORARY', async () => {
    const { zendesk, deliver } = await setUp(teardown, { config: { subdomain: 'acme', email: EMAIL, apiToken: API_TOKEN, timeout: '200ms' } });
    zendesk.failNext('POST /api/v2/tickets.json', faults.slow(30_000));
    const error = await rejection(deliver(createPayload()));
    expect(error.code).toBe('TEMPORARY');
    expect(error.message).toContain('within 200 ms');
  });

  it('no credential appears in errors, health or logs', async () => {
    const tokens = [API_TOKEN, OAUTH_TOKEN, WEBHOOK_SECRET, BASIC];
    const texts: string[] = [];
    for (const config of [{ subdomain: 'acme', email: EMAIL, apiToken: API_TOKEN, webhook: { secret: WEBHOOK_SECRET } }, { subdomain: 'acme', oauthToken: OAUTH_TOKEN }]) {
      const { zendesk, deliver, instance, errors, test } = await setUp(teardown, { config });
      zendesk.revoked = true;
      await rejection(deliver(createPayload()));
      texts.push((await instance.verify()).detail ?? '');
      zendesk.revoked = false;
      zendesk.subdomainExists = false;
      await rejection(deliver(createPayload()));
      zendesk.subdomainExists = true;
      for (const fault of [faults.rateLimited(1), faults.unavailable(), faults.notJson()]) {
        zendesk.failNext('*', fault);
        await rejection(deliver(createPayload(), { attempt: 2 }));
      }
      for (const error of errors) texts.push(String((error as Error).message), String((error as Error).stack));
      texts.push(...test.logs.map((l) => l.message));
    }
    expect(texts.length).toBeGreaterThan(10);
    for (const text of texts) for (const token of tokens) expect(text).not.toContain(token);
  });
});
