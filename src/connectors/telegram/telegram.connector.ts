import { defineConnector } from 'replywatch/sdk';
import { telegramConfigSchema, type TelegramConfig } from './telegram.config';
import { TelegramRuntime } from './telegram-runtime';
import { telegramTargetSchema } from './telegram-target';

/** Telegram groups and forum topics in, duty chats out, through one bot. See docs/TELEGRAM.md. */
export const telegramConnector = defineConnector<TelegramConfig>({
  manifest: {
    id: 'telegram',
    direction: 'duplex',
    channel: 'telegram',
    displayName: 'Telegram (groups, forum topics, duty chats)',
    configSchema: telegramConfigSchema,
    targetSchema: telegramTargetSchema,
    environment: { TELEGRAM_BOT_TOKEN: { key: 'token', enables: true } },
    services: ['state', 'singleton', 'routes', 'inquiries', 'staff', 'reports', 'notices'],
  },
  create: (context) => new TelegramRuntime(context),
});
