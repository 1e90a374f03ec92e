import { definePlugin } from 'replywatch/sdk';
import { telegramConnector } from './telegram.connector';

export const replywatchPlugin = definePlugin({ name: 'telegram', contractVersion: '2.7', connectors: [telegramConnector] });
