import { test } from 'node:test';
import { assertKitPassed, checkOutboundConnector, formatKitReport } from 'replywatch/testing';
import { mattermostNotify } from '../src/mattermost.connector';
import { HOOK_KEY, MATTERMOST_RESPONSES } from './mattermost-answers';

test('mattermost-notify passes the outbound contract kit', async () => {
  const report = await checkOutboundConnector(mattermostNotify, {
    config: (peerUrl) => ({ webhookUrl: `${peerUrl}/hooks/${HOOK_KEY}`, username: 'replywatch' }),
    target: { name: 'support-duty', channel: 'support-duty' },
    dutyTargets: [{ name: 'support-duty', to: { channel: 'support-duty' } }],
    responses: MATTERMOST_RESPONSES,
    // The kit's defaults are Mattermost's meaning too: 403 = may not post there, 404 = no such channel.
    expect: { rateLimited: 'RATE_LIMITED', serverError: 'TEMPORARY', unauthorized: 'AUTH_FAILED', forbidden: 'AUTH_FAILED', notFound: 'NOT_FOUND', invalid: 'INVALID_PAYLOAD' },
    retryAfterMs: 7000,
    idempotencyKey: (request) => request.headers['idempotency-key'],
  });
  if (process.env.KIT_REPORTS) console.log(formatKitReport(report));
  assertKitPassed(report);
});
