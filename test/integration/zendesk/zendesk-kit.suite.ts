import { zendeskConnector } from '../../../src/connectors/zendesk/zendesk.connector';
import { assertKitPassed, checkOutboundConnector, formatKitReport } from '../../../src/plugins/testing';
import { API_TOKEN, createPayload, EMAIL, WEBHOOK_SECRET } from './zendesk-setup';

const zendeskError = (status: number, error: string, description: string) => ({ status, body: { error, description } });

/** The zendesk connector passes the same contract kit a third-party plugin runs. */
describe('zendesk connector under the contract test kit', () => {
  it('delivers ticket.create as the contract asks', async () => {
    const report = await checkOutboundConnector(zendeskConnector, {
      config: (peerUrl) => ({ subdomain: 'acme', baseUrl: peerUrl, email: EMAIL, apiToken: API_TOKEN, webhook: { secret: WEBHOOK_SECRET, path: '/zendesk/kit-webhook' } }),
      target: { name: 'zendesk-support', groupId: 123 },
      dutyTargets: [{ name: 'zendesk-support', to: { groupId: 123 } }],
      payload: createPayload(),
      responses: {
        success: { status: 201, headers: { 'x-idempotency-lookup': 'miss' }, body: { ticket: { id: 42, status: 'new', external_id: 'tl_01JD8ZK3M4' }, audit: { events: [] } } },
        unauthorized: { status: 401, body: { error: "Couldn't authenticate you" } },
        forbidden: zendeskError(403, 'Forbidden', 'You do not have access to this page'),
        notFound: { status: 404, body: '<!DOCTYPE html><html><body><h1>Oops! The page you were looking for doesn\'t exist.</h1></body></html>' },
        invalid: { status: 422, body: { error: 'RecordInvalid', description: 'Record validation errors', details: { base: [{ description: 'Customer tier: field is required', error: 'FieldRequired' }] } } },
      },
      // Zendesk deduplicates creates by Idempotency-Key: the ticket link's ref.
      idempotencyKey: (request) => request.headers['idempotency-key'],
    });
    if (process.env.KIT_REPORTS) process.stdout.write(`${formatKitReport(report)}\n`);
    expect(formatKitReport(report)).not.toMatch(/✗/);
    assertKitPassed(report);
  });

  it('keeps credentials out of its errors when the peer echoes the request in its error bodies (the kit’s default answers)', async () => {
    const report = await checkOutboundConnector(zendeskConnector, {
      config: (peerUrl) => ({ baseUrl: peerUrl, email: EMAIL, apiToken: API_TOKEN }),
      target: { name: 'zendesk-support' },
      payload: createPayload(),
      responses: { success: { status: 201, body: { ticket: { id: 7 } } } },
      idempotencyKey: (request) => request.headers['idempotency-key'],
    });
    expect(formatKitReport(report)).not.toMatch(/✗/);
    assertKitPassed(report);
  });
});
