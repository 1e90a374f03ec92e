import { definePlugin } from 'replywatch/sdk';
import { slackConnector } from './slack.connector';

export const replywatchPlugin = definePlugin({ name: 'slack', contractVersion: '2.5', connectors: [slackConnector] });
