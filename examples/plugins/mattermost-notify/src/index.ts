import { definePlugin } from 'replywatch/sdk';
import { mattermostNotify } from './mattermost.connector';

/** What the hub loads: `plugins: [{ module: replywatch-plugin-mattermost-notify }]` in hub.yaml. */
export const replywatchPlugin = definePlugin({
  name: 'replywatch-plugin-mattermost-notify',
  // The contract this plugin was written and tested against, as a literal (not CONTRACT_VERSION,
  // which would silently claim whatever version the installed hub speaks).
  contractVersion: '2.0',
  connectors: [mattermostNotify],
});

export { mattermostNotify } from './mattermost.connector';
export { mattermostConfigSchema, mattermostTargetSchema, type MattermostConfig } from './mattermost.config';
export { renderText, toWebhookBody, type WebhookBody } from './mattermost.mapper';
