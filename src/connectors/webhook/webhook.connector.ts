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
    services: ['state', 'notices'],
  },
  create: (context) => new WebhookRuntime(context),
});
