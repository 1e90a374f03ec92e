import { assertKitPassed, checkOutboundConnector, formatKitReport, OUTBOUND_CHECKS, type KitReport, type OutboundCheck, type OutboundKitOptions } from '../../../src/plugins/testing';
import { chatApiConnector, type OutboundFlaws } from './connectors/chat-api-outbound';

// Characters that URL-encoding changes, so a leak of the encoded form is caught too.
const TOKEN = 'kit-token:Sec/ret+42';

const options: OutboundKitOptions = {
  config: (peerUrl) => ({ baseUrl: peerUrl, token: TOKEN }),
  target: { name: 'duty', room: 'ops' },
  idempotencyKey: (request) => request.headers['idempotency-key'],
};

function outcomes(report: KitReport): Record<string, string> {
  return Object.fromEntries(report.checks.map((c) => [c.name, c.outcome]));
}

/** Every check passed except `failing`, which failed; on a mismatch jest prints the whole report. */
function expectOnlyFailures(report: KitReport, failing: readonly OutboundCheck[]): void {
  const expected = Object.fromEntries(OUTBOUND_CHECKS.map((name) => [name, failing.includes(name) ? 'failed' : 'passed']));
  expect({ report: formatKitReport(report), outcomes: outcomes(report) }).toMatchObject({ outcomes: expected });
}

async function check(id: string, flaws: OutboundFlaws, extra: Partial<OutboundKitOptions> = {}): Promise<KitReport> {
  return checkOutboundConnector(chatApiConnector(id, flaws), { ...options, ...extra });
}

describe('checkOutboundConnector', () => {
  it('passes a correct connector on every check, quickly', async () => {
    const started = performance.now();
    const report = await check('chat-api', {});
    expectOnlyFailures(report, []);
    expect(() => assertKitPassed(report)).not.toThrow();
    expect(performance.now() - started).toBeLessThan(3000);
    const detail = (name: string) => report.checks.find((c) => c.name === name)?.detail;
    expect(detail('rate-limited')).toBe('429 → RATE_LIMITED, retryAfterMs 7000');
    expect(detail('verify-rejected-credentials')).toBe('verify() → down (the API token was rejected (401))');
    expect(formatKitReport(report).split('\n')).toHaveLength(OUTBOUND_CHECKS.length + 1);
  });

  it('fails rate-limited only for a connector that maps 429 to TEMPORARY', async () => {
    const report = await check('chat-api-429', { rateLimitAsTemporary: true });
    expectOnlyFailures(report, ['rate-limited']);
    expect(report.checks.find((c) => c.name === 'rate-limited')?.detail).toBe('429 was thrown as TEMPORARY; expected RATE_LIMITED');
  });

  it('fails abort-signal only for a connector that never passes the signal to fetch', async () => {
    const report = await check('chat-api-no-abort', { ignoresAbort: true });
    expectOnlyFailures(report, ['abort-signal']);
    expect(report.checks.find((c) => c.name === 'abort-signal')?.detail).toMatch(/still pending 2 s after its signal aborted/);
  });

  it('fails idempotency-key only for a connector that drops the key', async () => {
    const report = await check('chat-api-no-key', { dropsIdempotencyKey: true });
    expectOnlyFailures(report, ['idempotency-key']);
    expect(report.checks.find((c) => c.name === 'idempotency-key')?.detail).toMatch(/^attempt 1: no request carried delivery.idempotencyKey/);
  });

  it('fails no-secrets-in-errors only for a connector quoting the token-bearing URL, without echoing the token', async () => {
    const report = await check('chat-api-leaky', { urlInErrors: true });
    expectOnlyFailures(report, ['no-secrets-in-errors']);
    const detail = report.checks.find((c) => c.name === 'no-secrets-in-errors')?.detail ?? '';
    expect(detail).toMatch(/^rate-limited: a secret \(URL-encoded\) in the error message, error stack; server-error: /);
    expect(formatKitReport(report)).not.toContain(TOKEN);
    expect(formatKitReport(report)).not.toContain(encodeURIComponent(TOKEN));
  });

  it('fails every failure case and only-connector-errors for a connector throwing plain Errors', async () => {
    const report = await check('chat-api-plain', { plainErrors: true });
    expectOnlyFailures(report, ['rate-limited', 'server-error', 'unauthorized', 'forbidden', 'not-found', 'invalid-payload', 'only-connector-errors']);
    expect(report.checks.find((c) => c.name === 'server-error')?.detail).toBe('deliver() rejected with Error: the chat API failed (503), not a ConnectorError; expected TEMPORARY for 503');
  });

  it('fails verify-rejected-credentials only when verify() throws instead of reporting down', async () => {
    const report = await check('chat-api-verify-throws', { verifyThrows: true });
    expectOnlyFailures(report, ['verify-rejected-credentials']);
  });

  it('asks for an idempotency extractor or a written reason', async () => {
    const report = await check('chat-api', {}, { idempotencyKey: undefined });
    expectOnlyFailures(report, ['idempotency-key']);
    expect(report.checks.find((c) => c.name === 'idempotency-key')?.detail).toMatch(/pass options.idempotencyKey .* or skip this check with the reason/);
  });

  it('fails a skip with an empty reason and shows a written one as skipped', async () => {
    const report = await check('chat-api', {}, { skip: { 'idempotency-key': '  ', forbidden: 'the API has no 403: a bad token is always 401' } });
    expect(outcomes(report)).toMatchObject({ 'idempotency-key': 'failed', forbidden: 'skipped', 'rate-limited': 'passed', 'only-connector-errors': 'passed' });
    expect(report.checks.find((c) => c.name === 'forbidden')?.detail).toBe('the API has no 403: a bad token is always 401');
    expect(formatKitReport(report)).toContain('○ forbidden — the API has no 403');
    expect(() => assertKitPassed(report)).toThrow(/✗ idempotency-key — skipped without a reason/);
  });

  it('reports a config that does not parse as the failure of every check, naming the field only', async () => {
    const report = await check('chat-api', {}, { config: (peerUrl) => ({ baseUrl: peerUrl, token: 'short' }) });
    expect(new Set(report.checks.map((c) => c.outcome))).toEqual(new Set(['failed']));
    const manifest = report.checks.find((c) => c.name === 'manifest')?.detail ?? '';
    expect(manifest).toMatch(/config does not match manifest.configSchema:\s+token:/);
    expect(manifest).not.toContain('short');
  });
});
