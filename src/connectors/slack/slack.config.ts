import { z } from 'zod';
import { durationAtLeast, secret } from 'replywatch/sdk';

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected the name of an environment variable, e.g. SLACK_BOT_TOKEN');

const incomingWebhookSchema = z
  .object({
    /** The name duty targets use: `to: { webhook: <name> }`. */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'expected a short name of a-z, 0-9 and -'),
    /** The webhook URL is a secret (anyone holding it can post): prefer urlEnv. */
    url: secret(z.url({ protocol: /^https?$/ })).optional(),
    urlEnv: envName.optional(),
  })
  .strict()
  .refine((w) => (w.url === undefined) !== (w.urlEnv === undefined), 'expected exactly one of url or urlEnv');

export const slackConfigSchema = z
  .object({
    /** A bot token (xoxb-…) for chat.postMessage; prefer tokenEnv. */
    token: secret(z.string().regex(/^xox[bp]-[A-Za-z0-9-]+$/, 'expected a Slack bot token such as xoxb-…')).optional(),
    /** Environment variable holding the bot token (token, or SLACK_BOT_TOKEN, wins when both are set). */
    tokenEnv: envName.optional(),
    /** The Web API; change it only for a proxy or a test double. */
    apiUrl: z.url().default('https://slack.com/api'),
    /** Incoming webhooks, for teams that post without a bot. */
    incomingWebhooks: z.array(incomingWebhookSchema).default([]),
    /** One attempt's limit. */
    timeout: durationAtLeast(100, '100ms').default(10_000),
  })
  .strict()
  .refine((c) => c.token !== undefined || c.tokenEnv !== undefined || c.incomingWebhooks.length > 0, 'expected a bot token (token or tokenEnv) or at least one incoming webhook');

/** A Slack duty target's `to:`: a channel for the bot (optionally a thread in it), or an incoming webhook. */
export const slackTargetSchema = z.union([
  z.object({ channel: z.string().regex(/^[CGD][A-Z0-9]{6,}$|^#[a-z0-9._-]+$/, 'expected a channel id such as C0123456789 (or #name)'), thread: z.string().regex(/^\d+\.\d+$/, 'expected a message ts such as 1764583200.000100').optional() }).strict(),
  z.object({ webhook: z.string().min(1, 'expected the name of one of incomingWebhooks') }).strict(),
]);

export type SlackConfig = z.output<typeof slackConfigSchema>;
