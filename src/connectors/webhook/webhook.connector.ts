import { defineConnector } from 'replywatch/sdk';
import { webhookConfigSchema, webhookTargetSchema, type WebhookConfig } from './webhook.config';
import { WebhookRuntime } from './webhook-runtime';

/** SLA events as signed Standard Webhooks to the endpoints in hub.yaml. See docs/WEBHOOKS.md. */
export const webhookConnector = defineConnector<WebhookConfig>({
  manifest: {
    id: 'webhook',
    direction: 'outbound',
    displayName: 'Signed webhooks (Standard Webhooks)',
    configSchema: webhookConfigSchema,
    targetSchema: webhookTargetSchema,
    // Standard Webhooks receivers order events by timestamp and deduplicate by id; one slow
    // answer must not hold up every later event to that endpoint.
    deliveryOrder: 'none',
    services: ['state', 'notices'],
  },
  create: (context) => new WebhookRuntime(context),
});
