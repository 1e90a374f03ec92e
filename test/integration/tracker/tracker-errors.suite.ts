import { ConnectorError, type DeliveryPayload } from '../../../src/plugins/sdk';
import { defaultPayload } from '../../../src/plugins/testing';
import { createPayload, delivery, IAM, OAUTH, setup, type Setup } from './tracker-harness';

/** Every kind of answer Tracker (or something in between) gives, as the outbox's codes. */
describe('Tracker connector: answers classified', () => {
  let s: Setup;
  const create = (to: Record<string, unknown> = {}) => delivery(createPayload('tl_1'), { to });

  afterEach(() => s.stop());

  it('401 (a refused token) is AUTH_FAILED in Tracker words, without the token, and shows on health', async () => {
    s = await setup();
    s.tracker.revoke(OAUTH);
    const error = await s.failure(create());
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toContain('Not authorized.');
    expect(error.message).toContain('tokenType');
    expect(s.test.health.last?.status).toBe('down');
  });

  it('403 (the org header names another organization) is AUTH_FAILED', async () => {
    s = await setup({ config: { orgId: '1111111' } });
    const error = await s.failure(create());
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toContain('Organization is missing, unknown or given twice.');
  });

  it('a queue that does not exist is NOT_FOUND, naming it', async () => {
    s = await setup();
    const error = await s.failure(create({ queue: 'NOPE' }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('Queue NOPE does not exist.');
    expect(error.message).toContain('tracker-support');
  });

  it('422 for a required field of the queue is INVALID_PAYLOAD with Tracker’s words', async () => {
    s = await setup();
    const error = await s.failure(create({ queue: 'OPS' }));
    expect(error.code).toBe('INVALID_PAYLOAD');
    expect(error.message).toContain('HTTP 422');
    expect(error.message).toContain('Required fields are missing: product.');
    expect(error.message).toContain('product: Required field.');
  });

  it('a refusal for good shows on health, naming the target and Tracker’s words, until a delivery to it gets through', async () => {
    s = await setup();
    expect(s.test.health.last).toBeUndefined();
    await s.failure(create({ queue: 'OPS' }));
    expect(s.test.health.last).toMatchObject({ status: 'degraded', parts: [{ name: 'refused deliveries', status: 'degraded' }] });
    expect(s.test.health.last?.parts?.[0]?.detail).toMatch(/^tracker-support: .*Required fields are missing: product\./);
    // A temporary failure is not a refusal: nothing changes.
    const reports = s.test.health.reports.length;
    s.tracker.failNext('POST /v2/issues/', { status: 503 });
    expect((await s.failure(delivery(createPayload('tl_2')))).code).toBe('TEMPORARY');
    expect(s.test.health.reports).toHaveLength(reports);
    await s.deliver(delivery(createPayload('tl_2')));
    expect(s.test.health.last).toEqual({ status: 'up', detail: 'not checked yet' });
  });

  it('400 for a required field is INVALID_PAYLOAD too', async () => {
    s = await setup();
    const error = await s.failure(create({ queue: 'LEG' }));
    expect(error.code).toBe('INVALID_PAYLOAD');
    expect(error.message).toContain('Required fields are missing: contract.');
  });

  it('429 is RATE_LIMITED with the Retry-After delay', async () => {
    s = await setup();
    s.tracker.failNext('POST /v2/issues/', { status: 429, headers: { 'retry-after': '30' } });
    const error = await s.failure(create());
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfterMs).toBe(30_000);
  });

  it('500 is TEMPORARY', async () => {
    s = await setup();
    s.tracker.failNext('POST /v2/issues/', { status: 500 });
    const error = await s.failure(create());
    expect(error.code).toBe('TEMPORARY');
    expect(error.message).toContain('HTTP 500');
    expect(error.message).toContain('Injected fault.');
  });

  it('a 200 that is not Tracker’s JSON is TEMPORARY (retrying is safe: unique) and says what came', async () => {
    s = await setup();
    s.tracker.failNext('POST /v2/issues/', { status: 200, body: '<html><body>Please sign in to the proxy</body></html>' });
    const error = await s.failure(create());
    expect(error.code).toBe('TEMPORARY');
    expect(error.message).toContain('not with Tracker');
    expect(error.message).toContain('Please sign in to the proxy');
    expect(s.tracker.issues.size).toBe(0);
  });

  it('a dropped connection is TEMPORARY', async () => {
    s = await setup();
    s.tracker.failNext('POST /v2/issues/', { drop: true });
    expect((await s.failure(create())).code).toBe('TEMPORARY');
  });

  it('a slow answer is given up when the delivery’s signal aborts', async () => {
    s = await setup();
    s.tracker.failNext('POST /v2/issues/', { delayMs: 5000 });
    const controller = new AbortController();
    const started = Date.now();
    const failing = s.failure(create(), controller.signal);
    setTimeout(() => controller.abort(), 100);
    const error = await failing;
    expect(error.code).toBe('TEMPORARY');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(s.tracker.issues.size).toBe(0);
  });

  it('a slow read (GET) is given up at the configured timeout', async () => {
    s = await setup({ config: { timeout: '200ms' } });
    const created = await s.deliver(create());
    s.tracker.failNext('GET /v2/issues/SUPPORT-1', { delayMs: 5000 });
    const { event: _e, summary: _s, description: _d, priority: _p, tags: _t, fields: _f, requester: _r, reason: _reason, ...base } = createPayload('tl_1');
    const started = Date.now();
    const error = await s.failure(delivery({ ...base, event: 'ticket.resolve', text: 'done', by: 'olga', ticket: { ref: 'tl_1', id: created.ticket?.id ?? null, key: 'SUPPORT-1', url: null } }));
    expect(error.code).toBe('TEMPORARY');
    expect(error.message).toContain('200 ms');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a notification (not a ticket event) is INVALID_PAYLOAD saying where a Tracker target belongs', async () => {
    s = await setup();
    const error = await s.failure(delivery(defaultPayload(s.clock.now()) as DeliveryPayload));
    expect(error.code).toBe('INVALID_PAYLOAD');
    expect(error.message).toContain('ticket events only');
    expect(error.message).toContain('tickets.targets');
    expect(s.tracker.requests).toHaveLength(0);
  });

  it('never puts the token in an error, its cause or stack, or the log — even when a proxy echoes it', async () => {
    for (const [token, config] of [
      [OAUTH, {}],
      [IAM, { token: IAM, tokenType: 'Bearer' }],
    ] as const) {
      s = await setup({ config });
      const errors: unknown[] = [];
      const echo = `<html>Bad gateway for request with Authorization: ${config.tokenType ?? "OAuth"} ${token}</html>`;
      s.tracker.failNext('POST /v2/issues/', { status: 502, body: echo });
      s.tracker.failNext('POST /v2/issues/', { status: 401, body: { errorMessages: [`Token ${token} is not valid.`], errors: {}, statusCode: 401 } });
      s.tracker.failNext('POST /v2/issues/', { status: 200, body: `<p>${token}</p>` });
      s.tracker.failNext('POST /v2/issues/', { drop: true });
      for (let i = 0; i < 4; i++) errors.push(await s.failure(create()));
      s.tracker.revoke(token);
      errors.push(await s.failure(create()));
      const health = await s.instance.verify();

      const texts = errors.flatMap((error) => chain(error));
      expect(errors.every((e) => ConnectorError.is(e))).toBe(true);
      expect(texts.join('\n')).toContain('[redacted]');
      for (const text of [...texts, JSON.stringify(health), ...s.test.logs.map((l) => l.message), JSON.stringify(s.test.health.reports)]) expect(text).not.toContain(token);
      await s.stop();
    }
    s = await setup();
  });
});

function chain(error: unknown): string[] {
  const out: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 10; depth++) {
    out.push(current.message, current.stack ?? '', JSON.stringify(current));
    current = current.cause;
  }
  return out;
}
