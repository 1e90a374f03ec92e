import { createHmac } from 'node:crypto';
import { HttpProblem, type RouteRequest } from 'replywatch/sdk';
import { checkSignature } from './zendesk-signature';

const SECRET = 'signing-secret-1';
const NOW = Date.parse('2026-12-02T10:00:00Z');

function request(headers: Record<string, string>, body = '{"ticket":{"id":1}}'): RouteRequest {
  return { method: 'POST', path: '/zendesk/webhook', headers, query: new URLSearchParams(), rawBody: Buffer.from(body), json: () => JSON.parse(body) as unknown };
}

function signed(timestamp: string, message: string, secret = SECRET): string {
  return createHmac('sha256', secret).update(message).digest('base64');
}

function refusal(run: () => void): string {
  try {
    run();
  } catch (error) {
    if (HttpProblem.is(error)) return `${error.problem.status} ${String(error.problem.header)}`;
    throw error;
  }
  return 'accepted';
}

describe('Zendesk webhook signatures', () => {
  const body = '{"ticket":{"id":1}}';
  const ts = '2026-12-02T09:58:00Z';

  it('accepts base64 HMAC-SHA256 of timestamp + body under the secret', () => {
    expect(refusal(() => checkSignature(request({ 'x-zendesk-webhook-signature': signed(ts, ts + body), 'x-zendesk-webhook-signature-timestamp': ts }), SECRET, 300_000, NOW))).toBe('accepted');
  });

  it('refuses body + timestamp (the order an older example used), another secret, and a changed body', () => {
    const headers = (signature: string) => ({ 'x-zendesk-webhook-signature': signature, 'x-zendesk-webhook-signature-timestamp': ts });
    expect(refusal(() => checkSignature(request(headers(signed(ts, body + ts))), SECRET, 300_000, NOW))).toBe('401 x-zendesk-webhook-signature');
    expect(refusal(() => checkSignature(request(headers(signed(ts, ts + body, 'other'))), SECRET, 300_000, NOW))).toBe('401 x-zendesk-webhook-signature');
    expect(refusal(() => checkSignature(request(headers(signed(ts, ts + body)), '{"ticket":{"id":2}}'), SECRET, 300_000, NOW))).toBe('401 x-zendesk-webhook-signature');
  });

  it('refuses a timestamp outside the window or not a time', () => {
    const at = (timestamp: string) => request({ 'x-zendesk-webhook-signature': signed(timestamp, timestamp + body), 'x-zendesk-webhook-signature-timestamp': timestamp });
    expect(refusal(() => checkSignature(at('2026-12-02T09:54:59Z'), SECRET, 300_000, NOW))).toBe('401 x-zendesk-webhook-signature-timestamp');
    expect(refusal(() => checkSignature(at('2026-12-02T10:05:01Z'), SECRET, 300_000, NOW))).toBe('401 x-zendesk-webhook-signature-timestamp');
    expect(refusal(() => checkSignature(at('yesterday'), SECRET, 300_000, NOW))).toBe('401 x-zendesk-webhook-signature-timestamp');
    expect(refusal(() => checkSignature(at(String(NOW / 1000 - 60)), SECRET, 300_000, NOW))).toBe('accepted');
  });
});
