import { Ctx, On, Update } from 'nestjs-telegraf';
import { type Context } from 'telegraf';
import { TelegramRouter } from './telegram-router';
import { type WireCallbackQuery, type WireMessage } from './telegram.wire';

/**
 * Entry points nestjs-telegraf discovers and registers on the bot. Each awaits the router, so
 * an update counts as handled only after what it caused is committed; an error propagates to
 * the poller or the webhook, which then get the update again.
 */
@Update()
export class TelegramUpdates {
  constructor(private readonly router: TelegramRouter) {}

  @On('message')
  onMessage(@Ctx() ctx: Context): Promise<void> {
    return this.router.onMessage(ctx.update.update_id, (ctx.update as { message?: WireMessage }).message);
  }

  @On('edited_message')
  onEdited(): void {
    this.router.onEdited();
  }

  @On('callback_query')
  onCallback(@Ctx() ctx: Context): Promise<void> {
    return this.router.onCallback((ctx.update as { callback_query?: WireCallbackQuery }).callback_query);
  }
}
