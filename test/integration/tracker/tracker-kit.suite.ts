import { trackerConnector } from '../../../src/connectors/tracker/tracker.connector';
import { assertKitPassed, checkOutboundConnector, formatKitReport, type KitReport } from '../../../src/plugins/testing';
import { createPayload, OAUTH, ORG } from './tracker-harness';

/** The SDK's contract kit for outbound connectors, as a third-party plugin would run it. */
describe('Tracker connector under the contract test kit', () => {
  it('passes every outbound check', async () => {
    const tracker = (statusCode: number, message: string) => ({ errors: {}, errorMessages: [message], statusCode });
    const report = await checkOutboundConnector(trackerConnector, {
      config: (peerUrl) => ({ baseUrl: peerUrl, token: OAUTH, orgId: ORG }),
      target: { name: 'tracker-support', queue: 'SUPPORT' },
      payload: createPayload('tl_kit'),
      responses: {
        success: { status: 201, body: { id: '593cd211ef7e8a332414f2a7', key: 'SUPPORT-7', summary: 's', queue: { key: 'SUPPORT' }, status: { key: 'open' } } },
        rateLimited: { status: 429, headers: { 'retry-after': '7' }, body: tracker(429, 'Too many requests.') },
        serverError: { status: 503, body: tracker(503, 'Service unavailable.') },
        unauthorized: { status: 401, body: tracker(401, 'Not authorized.') },
        forbidden: { status: 403, body: tracker(403, 'Organization is missing, unknown or given twice.') },
        notFound: { status: 404, body: tracker(404, 'Queue SUPPORT does not exist.') },
        invalid: { status: 422, body: { errors: { product: 'Required field.' }, errorMessages: ['Required fields are missing: product.'], statusCode: 422 } },
      },
      // Tracker deduplicates issues by `unique` in the create's body: the ticket link's ref.
      idempotencyKey: uniqueOf,
    });
    expectPassed(report);
  });

  it('passes against the kit’s own failure answers, which echo the request headers (the token among them)', async () => {
    const report = await checkOutboundConnector(trackerConnector, {
      config: (peerUrl) => ({ baseUrl: peerUrl, token: OAUTH, orgId: ORG }),
      target: { name: 'tracker-support', queue: 'SUPPORT' },
      payload: createPayload('tl_kit'),
      responses: { success: { status: 201, body: { id: '593cd211ef7e8a332414f2a7', key: 'SUPPORT-7' } } },
      idempotencyKey: uniqueOf,
    });
    expectPassed(report);
  });
});

function expectPassed(report: KitReport): void {
  if (process.env.KIT_REPORTS) process.stdout.write(`${formatKitReport(report)}\n`);
  expect(formatKitReport(report)).not.toMatch(/✗/);
  assertKitPassed(report);
}

/** The `unique` of a create's JSON body, where Tracker takes its idempotency key. */
function uniqueOf(request: { body: string }): string | undefined {
  try {
    const unique = (JSON.parse(request.body) as { unique?: unknown }).unique;
    return typeof unique === 'string' ? unique : undefined;
  } catch {
    return undefined;
  }
}
