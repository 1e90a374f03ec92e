import { z } from 'zod';
import { durationSchema, secret } from 'replywatch/sdk';
import { BOT_API_UPLOAD_LIMIT } from './export-upload';

const userId = z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'expected a Telegram user id (digits)')]).transform(Number);
const chatId = z.union([z.number().int(), z.string().regex(/^-?\d+$/, 'expected a Telegram chat id such as -1001234567890')]).transform(Number);

export const telegramConfigSchema = z
  .object({
    /** The bot token from @BotFather. */
    token: secret(z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'expected a bot token from @BotFather, like 123456789:AA…')),
    /** Bot API server; change it for a self-hosted Bot API server. */
    apiRoot: z.url().default('https://api.telegram.org'),
    /** `polling` (default, nothing to expose) or `webhook` (needs a public HTTPS URL). */
    mode: z.enum(['polling', 'webhook']).default('polling'),
    polling: z
      .object({
        /** Long-poll timeout in seconds (Telegram holds the request this long when idle). */
        timeout: z.number().int().min(0).max(50).default(30),
        limit: z.number().int().min(1).max(100).default(100),
      })
      .strict()
      .prefault({}),
    webhook: z
      .object({
        /**
         * Public HTTPS URL that reaches this hub's POST /telegram/webhook; the hub registers it
         * with setWebhook on start. Leave it out if you call setWebhook yourself.
         */
        url: z.url().optional(),
        /** Telegram sends it in X-Telegram-Bot-Api-Secret-Token; anything else gets 401. */
        secretToken: secret(z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'expected 16-256 characters of A-Z, a-z, 0-9, _ and -')),
      })
      .strict()
      .optional(),
    /** Bot admins who may use /roles from day one (Telegram user ids). */
    admins: z.array(userId).default([]),
    /** Messages posted on behalf of a channel (not the group itself). */
    channelSenders: z
      .object({
        /** Channels whose posts are staff answers (e.g. the company's channel). */
        staff: z.array(chatId).default([]),
        /** Posts from any other channel: a customer's words, or ignored. */
        others: z.enum(['customer', 'ignore']).default('customer'),
      })
      .strict()
      .prefault({}),
    /** Duty target (from rules.yaml) that confirms /hold, /resume, /resolve, /escalate; default: the first Telegram one. */
    confirmTo: z.string().min(1).optional(),
    /** Outbound pacing below Telegram's flood limits. */
    pacing: z
      .object({
        perChatInterval: durationSchema.default(1000),
        perGroupPerMinute: z.number().int().min(1).max(60).default(20),
      })
      .strict()
      .prefault({}),
    /** Largest document the bot uploads; larger CSV exports go gzipped. Raise it for a local Bot API server (2000 MB). */
    maxUploadBytes: z.number().int().min(1024).default(BOT_API_UPLOAD_LIMIT),
    /** Longest text stored per message; Telegram's own limit is 4096 characters. */
    maxTextLength: z.number().int().min(64).max(65_536).default(16_384),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.mode === 'webhook' && !config.webhook) {
      ctx.addIssue({ code: 'custom', path: ['webhook'], message: 'mode: webhook needs a webhook section with at least secretToken' });
    }
  });

export type TelegramConfig = z.output<typeof telegramConfigSchema>;
