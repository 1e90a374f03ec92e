import { type Context, Telegraf, Telegram } from 'telegraf';
import { guardedContextType } from './guarded-context';
import { guardTelegram, type SendGuard } from './send-guard';
import { type TelegramConfig } from './telegram.config';
import { type TelegramRouter } from './telegram-router';
import { type WireCallbackQuery, type WireMessage } from './telegram.wire';

/**
 * The bot: telegraf's client behind the SendGuard, its update handlers wired to the router.
 * telegraf's own launch() is never used (see TelegramPoller); updates arrive through
 * handleUpdate, and a handler's error reaches the caller so the update is fetched again.
 */
export function createBot(config: TelegramConfig, guard: SendGuard, router: TelegramRouter): Telegraf {
  const bot = new Telegraf(config.token, {
    telegram: { apiRoot: config.apiRoot, webhookReply: false },
    contextType: guardedContextType(guard),
    handlerTimeout: 60_000,
  });
  guardTelegram(bot.telegram, guard);
  bot.on('message', (ctx: Context) => router.onMessage(ctx.update.update_id, (ctx.update as { message?: WireMessage }).message));
  // An edit is the same message said again; it neither opens nor answers anything.
  bot.on('edited_message', () => router.onEdited());
  bot.on('callback_query', (ctx: Context) => router.onCallback((ctx.update as { callback_query?: WireCallbackQuery }).callback_query));
  bot.catch((error) => {
    throw error;
  });
  return bot;
}

/** A throwaway client for verify() before start; it never writes, but is guarded all the same. */
export function probeClient(config: TelegramConfig, guard: SendGuard): Telegram {
  return guardTelegram(new Telegram(config.token, { apiRoot: config.apiRoot, webhookReply: false }), guard);
}
