import { randomBytes } from 'node:crypto';
import { httpConnector } from '../../../src/connectors/http/http.connector';
import { logConnector } from '../../../src/connectors/log/log.connector';
import { slackConnector } from '../../../src/connectors/slack/slack.connector';
import { telegramConnector } from '../../../src/connectors/telegram/telegram.connector';
import { webhookConnector } from '../../../src/connectors/webhook/webhook.connector';
import { assertKitPassed, checkInboundConnector, checkOutboundConnector, formatKitReport, type KitReport, OUTBOUND_CHECKS, type OutboundCheck } from '../../../src/plugins/testing';
import { FakeBotApi } from '../../support/fake-bot-api';
import { BotApiSource } from '../../support/kit/bot-api-source';
import { SignedSender } from '../../support/kit/signed-sender';

const BOT_TOKEN = '123456789:KIT-token-abcdefghijklmnopqrstu';
const DUTY_CHAT = -1009000000001;

/** Every first-party connector passes the same kit a third-party plugin runs. */
describe('first-party connectors under the contract test kit', () => {
  function expectPassed(report: KitReport): void {
    if (process.env.KIT_REPORTS) process.stdout.write(`${formatKitReport(report)}\n`);
    expect(formatKitReport(report)).not.toMatch(/✗/);
    assertKitPassed(report);
  }

  it('telegram delivers to a duty chat as the contract asks', async () => {
    const bot = (body: Record<string, unknown>) => ({ ok: false, ...body });
    const report = await checkOutboundConnector(telegramConnector, {
      config: (peerUrl) => ({ token: BOT_TOKEN, apiRoot: peerUrl }),
      target: { name: 'duty', chatId: DUTY_CHAT },
      dutyTargets: [{ name: 'duty', to: { chatId: DUTY_CHAT } }],
      responses: {
        success: { status: 200, body: { ok: true, result: { message_id: 77, date: 1_700_000_000, chat: { id: DUTY_CHAT, type: 'supergroup' }, text: 'x' } } },
        rateLimited: { status: 429, body: bot({ error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } }) },
        serverError: { status: 502, body: bot({ error_code: 502, description: 'Bad Gateway' }) },
        unauthorized: { status: 401, body: bot({ error_code: 401, description: 'Unauthorized' }) },
        forbidden: { status: 403, body: bot({ error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' }) },
        notFound: { status: 404, body: bot({ error_code: 404, description: 'Not Found' }) },
        invalid: { status: 400, body: bot({ error_code: 400, description: 'Bad Request: message text is empty' }) },
      },
      expect: {
        // The Bot API says 403 when the bot was removed from the chat: nobody can read it there.
        forbidden: 'NOT_FOUND',
        // …and 404 for the whole API when the token is wrong.
        notFound: 'AUTH_FAILED',
      },
      skip: { 'idempotency-key': 'the Bot API has no idempotency key; the connector remembers the parts it sent under the key instead (telegram-delivery.suite.ts)' },
    });
    expectPassed(report);
  });

  it('telegram reads customer groups as the contract asks', async () => {
    const peer = new FakeBotApi({ token: BOT_TOKEN, now: () => Date.now(), botUsername: 'replywatch_kit_bot' });
    const apiRoot = await peer.start();
    try {
      const report = await checkInboundConnector(telegramConnector, {
        config: () => ({ token: BOT_TOKEN, apiRoot, polling: { timeout: 1 } }),
        source: new BotApiSource(peer),
      });
      expectPassed(report);
    } finally {
      await peer.stop();
    }
  });

  it('http accepts signed messages as the contract asks', async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const sender = new SignedSender(secret);
    try {
      const report = await checkInboundConnector(httpConnector, { config: () => ({ secret }), source: sender });
      expectPassed(report);
    } finally {
      await sender.drain();
    }
  });

  it('webhook posts signed events as the contract asks', async () => {
    const report = await checkOutboundConnector(webhookConnector, {
      config: (peerUrl) => ({ endpoints: [{ name: 'kit', url: `${peerUrl}/hook`, secret: `whsec_${randomBytes(32).toString('base64')}` }] }),
      target: { name: 'hook', endpoint: 'kit' },
      dutyTargets: [{ name: 'hook', to: { endpoint: 'kit' } }],
      idempotencyKey: (request) => request.headers['webhook-id'],
      skip: { 'verify-rejected-credentials': 'a webhook receiver has no endpoint to check credentials against; a refused signature shows on the first delivery (401/403 → AUTH_FAILED)' },
    });
    expectPassed(report);
  });

  it('slack posts to a channel as the contract asks', async () => {
    const slack = (body: Record<string, unknown>) => ({ status: 200, body });
    const report = await checkOutboundConnector(slackConnector, {
      config: (peerUrl) => ({ token: 'xoxb-1-2-kit', apiUrl: peerUrl }),
      target: { name: 'duty', channel: 'C0DUTY00001' },
      dutyTargets: [{ name: 'duty', to: { channel: 'C0DUTY00001' } }],
      responses: {
        success: slack({ ok: true, channel: 'C0DUTY00001', ts: '1764583200.000100' }),
        unauthorized: slack({ ok: false, error: 'invalid_auth' }),
        forbidden: slack({ ok: false, error: 'missing_scope' }),
        notFound: slack({ ok: false, error: 'channel_not_found' }),
        invalid: slack({ ok: false, error: 'invalid_blocks' }),
      },
      skip: { 'idempotency-key': 'chat.postMessage has no idempotency key: the connector remembers what it posted under the key instead (state), so only a post that timed out after Slack took it can appear twice' },
    });
    expectPassed(report);
  });

  it('log passes what applies to a connector with no peer', async () => {
    const noPeer = 'the log connector writes to the hub’s own log; there is no peer to answer';
    const skip = Object.fromEntries(OUTBOUND_CHECKS.filter((check) => check !== 'manifest').map((check) => [check, noPeer])) as Partial<Record<OutboundCheck, string>>;
    const report = await checkOutboundConnector(logConnector, { config: () => ({}), target: { name: 'log' }, skip });
    expectPassed(report);
    expect(report.checks.find((c) => c.name === 'manifest')?.outcome).toBe('passed');
  });
});
