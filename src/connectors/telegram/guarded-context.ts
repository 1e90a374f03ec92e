import { Context } from 'telegraf';
import { type Update, type UserFromGetMe } from 'telegraf/types';
import { guardTelegram, type SendGuard } from './send-guard';

type ContextConstructor = new (update: Update, telegram: Context['telegram'], botInfo: UserFromGetMe) => Context;

/**
 * telegraf builds a fresh Telegram client for every update's context; this context type puts
 * the same guard in front of it, so `ctx.reply` in a customer group is refused like any call.
 */
export function guardedContextType(guard: SendGuard): ContextConstructor {
  return class GuardedContext extends Context {
    constructor(update: Update, telegram: Context['telegram'], botInfo: UserFromGetMe) {
      super(update, guardTelegram(telegram, guard), botInfo);
    }
  };
}
