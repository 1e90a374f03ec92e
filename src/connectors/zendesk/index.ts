import { definePlugin } from 'replywatch/sdk';
import { zendeskConnector } from './zendesk.connector';

export const replywatchPlugin = definePlugin({ name: 'zendesk', contractVersion: '2.9', connectors: [zendeskConnector] });
