import { defineConnector } from 'replywatch/sdk';
import { zendeskConfigSchema, zendeskTargetSchema, type ZendeskConfig } from './zendesk.config';
import { ZendeskRuntime } from './zendesk-runtime';

/** Tickets in Zendesk Support, and back from it through a signed webhook. See docs/ZENDESK.md. */
export const zendeskConnector = defineConnector<ZendeskConfig>({
  manifest: {
    id: 'zendesk',
    direction: 'outbound',
    displayName: 'Zendesk Support (tickets)',
    configSchema: zendeskConfigSchema,
    targetSchema: zendeskTargetSchema,
    environment: {
      ZENDESK_SUBDOMAIN: { key: 'subdomain' },
      ZENDESK_EMAIL: { key: 'email' },
      ZENDESK_API_TOKEN: { key: 'apiToken' },
      ZENDESK_OAUTH_TOKEN: { key: 'oauthToken' },
      ZENDESK_WEBHOOK_SECRET: { key: 'webhook.secret' },
    },
    services: ['routes', 'tickets', 'state'],
  },
  create: (context) => new ZendeskRuntime(context),
});
