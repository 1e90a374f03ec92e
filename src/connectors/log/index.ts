import { definePlugin } from 'replywatch/sdk';
import { logConnector } from './log.connector';

export const replywatchPlugin = definePlugin({ name: 'log', contractVersion: '2.0', connectors: [logConnector] });
