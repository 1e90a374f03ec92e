import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConnectorError, type Delivery, type DeliveryPayload, type EscalationPayload, type SlaDigestPayload } from 'replywatch/sdk';
import { createTestContext, FakePeer, type PeerResponse } from 'replywatch/testing';
import { mattermostNotify } from '../src/mattermost.connector';
import { renderText, toWebhookBody, type WebhookBody } from '../src/mattermost.mapper';
import { appError, HOOK_KEY, MATTERMOST_RESPONSES } from './mattermost-answers';

const conversation = { channel: 'github', id: 'acme/widgets#42', title: 'Export fails @channel', openingMessageId: 'issue-42' };

const escalation: EscalationPayload = {
  event: 'inquiry.escalated',
  text: '🚨 Escalated — Export fails @channel',
  inquiryId: 'inq_7',
  conversation,
  policy: 'standard',
  dueAt: '2026-03-02T10:00:00.000Z',
  trigger: 'manual',
  by: 'Alice',
  reason: 'customer is blocked',
  mentions: ['@oncall', 'lead.dev'],
};

const digest: SlaDigestPayload = {
  event: 'sla.digest',
  text: 'Too many SLA alerts at once; the rest of this minute:',
  items: [
    { text: '⚡ 45 min — Acme support', inquiryId: 'inq_1', conversation: { channel: 'telegram', id: '-100123', title: 'Acme support' } },
    { text: '⚠️ 60 min — @here pls', inquiryId: 'inq_2' },
  ],
};

function delivery(payload: DeliveryPayload, target: Delivery['target'] = { name: 'duty' }): Delivery {
  return { id: 'd1', idempotencyKey: 'idem-123', target, payload, attempt: 1 };
}

describe('mapping payloads to the webhook body', () => {
  test('a digest lists its items under the hub’s line', () => {
    assert.equal(renderText(digest), ['Too many SLA alerts at once; the rest of this minute:', '- ⚡ 45 min — Acme support', '- ⚠️ 60 min — @\u200bhere pls'].join('\n'));
  });

  test('an escalation carries the conversation, who escalated, mentions, and the target’s channel', () => {
    const body = toWebhookBody(delivery(escalation, { name: 'duty', channel: 'escalations' }), { channel: 'support-duty', username: 'replywatch', iconUrl: 'https://example.org/rw.png' });
    assert.deepEqual(body, {
      text: [
        '🚨 Escalated — Export fails @\u200bchannel',
        '**Export fails @\u200bchannel** · github `acme/widgets#42` · inquiry `inq_7` · due 2026-03-02 10:00 UTC',
        'Escalated by Alice: customer is blocked',
        'cc @oncall @lead.dev',
      ].join('\n'),
      channel: 'escalations',
      username: 'replywatch',
      icon_url: 'https://example.org/rw.png',
      props: { replywatch_event: 'inquiry.escalated', replywatch_idempotency_key: 'idem-123', replywatch_inquiry_id: 'inq_7' },
    } satisfies WebhookBody);
  });

  test('a breach links its runbook; without a channel anywhere the hook’s own channel is used', () => {
    const body = toWebhookBody(
      delivery({ ...escalation, event: 'sla.breach', level: 'breach', emoji: '⚠️', markDueAt: '2026-03-02T10:00:00Z', late: false, runbook: 'https://wiki.example.org/sla', mentions: [] }),
      {},
    );
    assert.equal(body.channel, undefined);
    assert.match(body.text, /\nRunbook: \[https:\/\/wiki\.example\.org\/sla\]\(https:\/\/wiki\.example\.org\/sla\)$/);
  });
});

describe('deliveries against a Mattermost-shaped peer', () => {
  const peer = new FakePeer();
  let webhookUrl = '';
  before(async () => void (webhookUrl = `${await peer.start()}/hooks/${HOOK_KEY}`));
  after(() => peer.stop());

  async function deliverWith(answer: PeerResponse, payload: DeliveryPayload = digest): Promise<unknown> {
    peer.answer(answer);
    const t = createTestContext(mattermostNotify, { config: { webhookUrl } });
    try {
      const instance = await mattermostNotify.create(t.context);
      return await instance.deliver?.(delivery(payload), { signal: new AbortController().signal }).catch((error: unknown) => error);
    } finally {
      await t.dispose();
    }
  }

  test('posts JSON with the Idempotency-Key header to the hook', async () => {
    const before = peer.requests.length;
    assert.deepEqual(await deliverWith(MATTERMOST_RESPONSES.success), {});
    const request = peer.requests[before];
    assert.ok(request);
    assert.equal(request.method, 'POST');
    assert.equal(request.url, `/hooks/${HOOK_KEY}`);
    assert.equal(request.headers['idempotency-key'], 'idem-123');
    assert.equal((JSON.parse(request.body) as WebhookBody).props.replywatch_event, 'sla.digest');
  });

  test('an unknown hook (400 Invalid webhook) is AUTH_FAILED, and no error names the hook', async () => {
    const error = await deliverWith(appError(400, 'web.incoming_webhook.invalid.app_error', `Invalid webhook ${HOOK_KEY}`));
    assert.ok(ConnectorError.is(error));
    assert.equal(error.code, 'AUTH_FAILED');
    assert.doesNotMatch(`${error.message}\n${error.stack ?? ''}`, new RegExp(HOOK_KEY));
  });

  test('another 400 is INVALID_PAYLOAD with Mattermost’s own message, scrubbed of the hook key', async () => {
    const error = await deliverWith(appError(400, 'web.incoming_webhook.user.app_error', `Couldn't find the user (hook ${HOOK_KEY}).`));
    assert.ok(ConnectorError.is(error));
    assert.equal(error.code, 'INVALID_PAYLOAD');
    assert.equal(error.message, "Mattermost refused the post (400): Couldn't find the user (hook [redacted]).");
  });

  test('429 with only X-RateLimit-Reset waits that many seconds', async () => {
    const error = await deliverWith({ status: 429, headers: { 'x-ratelimit-reset': '3' }, body: 'limit exceeded\n' });
    assert.ok(ConnectorError.is(error));
    assert.equal(error.code, 'RATE_LIMITED');
    assert.equal(error.retryAfterMs, 3000);
  });

  test('webhooks switched off on the server (501) are not retried', async () => {
    const error = await deliverWith(appError(501, 'web.incoming_webhook.disabled.app_error', 'Incoming webhooks have been disabled by the system admin.'));
    assert.ok(ConnectorError.is(error));
    assert.equal(error.code, 'AUTH_FAILED');
  });

  test('verify() pings the server and posts nothing', async () => {
    peer.answer((request) => (request.url === '/api/v4/system/ping' ? { status: 200, body: { status: 'OK' } } : { status: 500 }));
    const before = peer.requests.length;
    const t = createTestContext(mattermostNotify, { config: { webhookUrl } });
    try {
      const health = await (await mattermostNotify.create(t.context)).verify();
      assert.equal(health.status, 'up');
      assert.deepEqual(
        peer.requests.slice(before).map((r) => `${r.method} ${r.url}`),
        ['GET /api/v4/system/ping'],
      );
    } finally {
      await t.dispose();
    }
  });

  test('verify() reports an unreachable server as down instead of throwing', async () => {
    const t = createTestContext(mattermostNotify, { config: { webhookUrl: `http://127.0.0.1:9/hooks/${HOOK_KEY}` } });
    try {
      const health = await (await mattermostNotify.create(t.context)).verify();
      assert.equal(health.status, 'down');
      assert.match(health.detail ?? '', /cannot reach Mattermost at 127\.0\.0\.1:9/);
    } finally {
      await t.dispose();
    }
  });
});
