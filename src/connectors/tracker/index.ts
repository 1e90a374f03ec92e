import { definePlugin } from 'replywatch/sdk';
import { trackerConnector } from './tracker.connector';

export const replywatchPlugin = definePlugin({ name: 'tracker', contractVersion: '2.9', connectors: [trackerConnector] });
