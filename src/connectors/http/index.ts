import { definePlugin } from 'replywatch/sdk';
import { httpConnector } from './http.connector';

export const replywatchPlugin = definePlugin({ name: 'http', contractVersion: '2.8', connectors: [httpConnector] });
