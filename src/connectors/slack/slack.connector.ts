import { defineConnector } from 'replywatch/sdk';
import { slackConfigSchema, slackTargetSchema, type SlackConfig } from './slack.config';
import { SlackRuntime } from './slack-runtime';

/** Duty notifications as Block Kit cards in Slack channels. See docs/SLACK.md. */
export const slackConnector = defineConnector<SlackConfig>({
  manifest: {
    id: 'slack',
    direction: 'outbound',
    displayName: 'Slack (bot or incoming webhooks)',
    configSchema: slackConfigSchema,
    targetSchema: slackTargetSchema,
    environment: { SLACK_BOT_TOKEN: { key: 'token' } },
    services: ['state'],
  },
  create: (context) => new SlackRuntime(context),
});
