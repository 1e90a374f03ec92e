import { definePlugin } from 'replywatch/sdk';
import { mailConnector } from './mail.connector';

export const replywatchPlugin = definePlugin({ name: 'mail', contractVersion: '2.8', connectors: [mailConnector] });
