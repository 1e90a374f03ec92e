import { secret } from 'replywatch/sdk';
import { z } from 'zod';

/**
 * Mattermost serves incoming webhooks at `<server>/hooks/<key>`, the key being letters and
 * digits; a server under a sub-path (`https://host/chat/hooks/<key>`) works too.
 */
const HOOK_PATH = /\/hooks\/[A-Za-z0-9]+$/;

/**
 * A channel override: a channel's URL name (`town-square`, optionally `#town-square`) or
 * `@username` for a direct message, as the webhook's `channel` field accepts them.
 */
export const channelName = z.string().regex(/^[#@]?[a-z0-9][a-z0-9._-]{0,63}$/i, 'expected a channel name such as support-duty, or @username');

export const mattermostConfigSchema = z
  .object({
    /**
     * The hook URL is the credential: anyone holding it can post. secret() wraps the whole
     * schema (a refine makes a new schema, which would lose an inner mark).
     */
    webhookUrl: secret(
      z
        .url({ protocol: /^https?$/ })
        .refine((value) => HOOK_PATH.test(new URL(value).pathname), 'expected a Mattermost incoming webhook URL such as https://chat.example.com/hooks/<key>'),
    ),
    /** Posts to this channel instead of the hook's own (the hook must not be locked to its channel). */
    channel: channelName.optional(),
    /** Shown as the poster; needs "Enable integrations to override usernames" on the server. */
    username: z.string().min(1).max(64).optional(),
    /** Profile picture of the poster; needs "Enable integrations to override profile picture icons". */
    iconUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** Longest wait for Mattermost's answer; the hub's own attempt timeout may cut it shorter. */
    timeoutMs: z.number().int().min(500).max(120_000).default(10_000),
  })
  .strict();

export type MattermostConfig = z.output<typeof mattermostConfigSchema>;

/** A duty target's `to:` in rules.yaml: `to: {}` posts where the hook points, `to: { channel: x }` elsewhere. */
export const mattermostTargetSchema = z.object({ channel: channelName.optional() }).strict();

/** The server's base URL (everything before `/hooks/<key>`), for calls that are not the hook. */
export function serverBase(webhookUrl: string): string {
  const url = new URL(webhookUrl);
  const path = url.pathname.replace(HOOK_PATH, '');
  return `${url.origin}${path}`;
}

/** The hook's key, which must never appear in an error or a log line. */
export function hookKey(webhookUrl: string): string {
  return new URL(webhookUrl).pathname.split('/').pop() ?? '';
}
