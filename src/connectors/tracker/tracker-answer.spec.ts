import { type HttpAnswer } from 'replywatch/sdk';
import { failureOf, notTracker } from './tracker-answer';
import { trackerConfigSchema, trackerTargetSchema } from './tracker.config';
import { trackerTime } from './tracker-issue';
import { markerOf, withMarker } from './tracker-tickets';

const NOW = Date.parse('2026-12-02T10:00:00Z');
const none = (text: string) => text;

function answer(status: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return { status, body: typeof body === 'string' ? body : JSON.stringify(body), headers };
}

const trackerError = (status: number, message: string, errors: Record<string, string> = {}) => ({ errors, errorMessages: [message], statusCode: status });

describe('Tracker answers as ConnectorErrors', () => {
  it.each([
    [401, 'AUTH_FAILED'],
    [403, 'AUTH_FAILED'],
    [404, 'NOT_FOUND'],
    [400, 'INVALID_PAYLOAD'],
    [422, 'INVALID_PAYLOAD'],
    [409, 'INVALID_PAYLOAD'],
    [408, 'TEMPORARY'],
    [500, 'TEMPORARY'],
    [503, 'TEMPORARY'],
    [301, 'NOT_FOUND'],
    [429, 'RATE_LIMITED'],
  ])('HTTP %i → %s', (status, code) => {
    expect(failureOf(answer(status, trackerError(status, 'x')), 'creating an issue', NOW, none).code).toBe(code);
  });

  it('quotes Tracker’s errorMessages and errors by field', () => {
    const error = failureOf(answer(422, trackerError(422, 'Required fields are missing: product.', { product: 'Required field.' })), 'creating an issue in queue OPS', NOW, none);
    expect(error.message).toBe('Tracker rejected creating an issue in queue OPS (HTTP 422: Required fields are missing: product.; product: Required field.)');
  });

  it('reads Retry-After in seconds and as a date', () => {
    expect(failureOf(answer(429, {}, { 'retry-after': '12' }), 'x', NOW, none).retryAfterMs).toBe(12_000);
    expect(failureOf(answer(429, {}, { 'retry-after': new Date(NOW + 90_000).toUTCString() }), 'x', NOW, none).retryAfterMs).toBe(90_000);
    expect(failureOf(answer(429, {}), 'x', NOW, none).retryAfterMs).toBeUndefined();
  });

  it('scrubs what it quotes from a body that is not Tracker’s', () => {
    const scrub = (text: string) => text.split('s3cr3t-token').join('[redacted]');
    expect(failureOf(answer(502, '<h1>proxy: OAuth s3cr3t-token</h1>'), 'x', NOW, scrub).message).not.toContain('s3cr3t-token');
    expect(notTracker(answer(200, '<p>s3cr3t-token</p>', { 'content-type': 'text/html; charset=utf-8' }), 'x', scrub).message).toBe(
      "Tracker answered x with HTTP 200, text/html but not with Tracker's JSON: <p>[redacted]</p>; a proxy's page, or connectors.tracker.baseUrl is not the API",
    );
  });
});

describe('Tracker settings', () => {
  const base = { token: 'y0_token' };

  it('takes exactly one of orgId and cloudOrgId', () => {
    expect(trackerConfigSchema.safeParse({ ...base, orgId: '123' }).success).toBe(true);
    expect(trackerConfigSchema.safeParse({ ...base, cloudOrgId: 'bpf3crucp1v2' }).success).toBe(true);
    expect(trackerConfigSchema.safeParse(base).success).toBe(false);
    expect(trackerConfigSchema.safeParse({ ...base, orgId: '123', cloudOrgId: 'bpf3crucp1v2' }).success).toBe(false);
  });

  it('fills in the defaults', () => {
    const parsed = trackerConfigSchema.parse({ ...base, orgId: '123' });
    expect(parsed).toMatchObject({ baseUrl: 'https://api.tracker.yandex.net', tokenType: 'OAuth', webUrl: 'https://tracker.yandex.ru', timeout: 10_000, poll: { interval: 120_000, batch: 100 }, resolvedStatuses: ['resolved', 'closed'] });
    expect(trackerConfigSchema.parse({ ...base, orgId: '123', poll: { interval: '5m' } }).poll).toEqual({ interval: 300_000, batch: 100 });
  });

  it('a target needs an upper-case queue key; resolution only with a transition', () => {
    expect(trackerTargetSchema.safeParse({ queue: 'SUPPORT', resolveTransition: 'resolve', resolution: 'fixed' }).success).toBe(true);
    expect(trackerTargetSchema.safeParse({ queue: 'support' }).success).toBe(false);
    expect(trackerTargetSchema.safeParse({ queue: 'SUPPORT', resolution: 'fixed' }).success).toBe(false);
    expect(trackerTargetSchema.safeParse({ queue: 'SUPPORT', assignee: 'x' }).success).toBe(false);
  });
});

describe('delivery markers and Tracker times', () => {
  it('keeps a plain key readable and hashes an unusual one', () => {
    expect(markerOf('ticket:tl_1:escalation:0')).toBe('replywatch-delivery:ticket:tl_1:escalation:0');
    expect(markerOf('a key (with) spaces')).toMatch(/^replywatch-delivery:sha256-[0-9a-f]{32}$/);
    expect(withMarker('text', 'replywatch-delivery:k')).toBe('text\n\n[//]: # (replywatch-delivery:k)');
  });

  it('reads Tracker’s +0000 offsets', () => {
    expect(trackerTime('2026-12-02T14:00:00.000+0000')?.toISOString()).toBe('2026-12-02T14:00:00.000Z');
    expect(trackerTime('2026-12-02T17:00:00.000+0300')?.toISOString()).toBe('2026-12-02T14:00:00.000Z');
    expect(trackerTime('nonsense')).toBeUndefined();
  });
});
