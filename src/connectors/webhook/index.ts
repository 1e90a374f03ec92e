import { definePlugin } from 'replywatch/sdk';
import { webhookConnector } from './webhook.connector';

export const replywatchPlugin = definePlugin({ name: 'webhook', contractVersion: '2.6', connectors: [webhookConnector] });
