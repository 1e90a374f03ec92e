import { type ConnectorContext, type ConnectorInstance, type Delivery, type DeliveryResult, type Health, type MessageSink, type SingletonHandle, type Stoppable } from 'replywatch/sdk';
import { type Telegraf } from 'telegraf';
import { ChatAliases } from './chat-aliases';
import { DutyChats } from './duty-chats';
import { DutyNotifier } from './duty-notifier';
import { Pacer } from './pacer';
import { ReportCommands } from './report-commands';
import { RolesManager } from './roles-manager';
import { SendGuard } from './send-guard';
import { StaffCommands } from './staff-commands';
import { createBot, probeClient } from './telegram-bot';
import { registerCommands } from './telegram-commands';
import { type TelegramConfig } from './telegram.config';
import { TelegramCursor } from './telegram-cursor';
import { toConnectorError } from './telegram-error.mapper';
import { TelegramPoller } from './telegram-poller';
import { TelegramRouter } from './telegram-router';
import { type TelegramSession } from './telegram-session';
import { addressOf } from './telegram-target';
import { receiveWebhook, WEBHOOK_BODY_LIMIT, type WebhookOutcome } from './telegram-webhook';
import { ALLOWED_UPDATES, type WireUpdate } from './telegram.wire';
import { updateProblem } from './telegram.wire-schema';
import { UpdateProcessor } from './update-processor';

interface Running {
  session: TelegramSession;
  poller?: TelegramPoller;
  polling?: SingletonHandle;
}

/**
 * Telegram, both ways, through one bot: customer groups and forum topics in, duty chats out.
 * Everything it needs comes from the connector context (state, one poller across replicas,
 * the webhook route, the hub's staff, inquiry, report and notice services).
 */
export class TelegramRuntime implements ConnectorInstance {
  private readonly config: TelegramConfig;
  private readonly dutyChats: DutyChats;
  private readonly guard: SendGuard;
  private readonly aliases: ChatAliases;
  private readonly router: TelegramRouter;
  private readonly bot: Telegraf;
  private readonly processor: UpdateProcessor;
  private readonly notifier: DutyNotifier;
  private aliasesLoaded: Promise<void> | undefined;
  private running: Running | undefined;
  private stopped = false;

  constructor(private readonly ctx: ConnectorContext<TelegramConfig>) {
    const { config, logger, clock } = ctx;
    this.config = config;
    this.dutyChats = new DutyChats(() => ctx.rules.dutyTargets());
    this.guard = new SendGuard(() => this.dutyChats.ids());
    this.aliases = new ChatAliases(ctx.state, this.dutyChats);
    this.router = new TelegramRouter({
      reports: new ReportCommands(ctx.reports, config.maxUploadBytes),
      dutyChats: this.dutyChats,
      aliases: this.aliases,
      staff: ctx.staff,
      roles: new RolesManager(ctx.staff, clock, logger),
      staffCommands: new StaffCommands(ctx.inquiries, ctx.notices, this.dutyChats, logger),
      inquiries: ctx.inquiries,
      clock,
      logger,
    });
    this.bot = createBot(config, this.guard, this.router);
    this.processor = new UpdateProcessor((update) => {
      // Skipped, so that it is confirmed and not fetched (or posted) again and again.
      const problem = updateProblem(update);
      if (problem) return Promise.resolve(logger.warn(`update ${String(update.update_id)} skipped: ${problem}`));
      return this.bot.handleUpdate(update as never);
    }, logger);
    this.notifier = new DutyNotifier(() => this.bot.telegram, ctx.state, ctx.reports, clock, this.dutyChats, this.aliases, new Pacer(config.pacing), config.maxUploadBytes, logger);
    const secretToken = config.mode === 'webhook' ? config.webhook?.secretToken : undefined;
    if (secretToken !== undefined) {
      ctx.routes.post('/telegram/webhook', (request) => receiveWebhook(request, secretToken, (update) => this.processWebhook(update)), { bodyLimit: WEBHOOK_BODY_LIMIT });
    }
  }

  async verify(): Promise<Health> {
    const running = this.running;
    if (running?.polling && !running.polling.held) return { status: 'up', detail: 'standby: another replica polls Telegram' };
    if (running?.poller) return running.poller.state;
    if (running) return { status: 'up', detail: 'webhook mode' };
    try {
      await probeClient(this.config, this.guard).getMe();
      return { status: 'up' };
    } catch (error) {
      return { status: 'down', detail: toConnectorError(error, 'getMe').message };
    }
  }

  /**
   * Connects the bot. A rejected token fails with AUTH_FAILED (the connector stays down, the
   * rest of the hub runs); an unreachable Bot API fails with TEMPORARY and the host tries again.
   */
  async start(sink: MessageSink): Promise<Stoppable> {
    this.stopped = false;
    let me;
    try {
      me = await this.bot.telegram.getMe();
    } catch (error) {
      throw toConnectorError(error, 'getMe');
    }
    this.bot.botInfo = me;
    await this.loadAliases();
    this.checkDutyTargets();
    const session: TelegramSession = { connectorId: this.ctx.id, channel: this.ctx.channel ?? 'telegram', config: this.config, sink, botId: me.id, botUsername: me.username, telegram: this.bot.telegram };
    this.router.attach(session);
    await registerCommands(this.bot.telegram, this.dutyChats, this.ctx.logger);
    const running: Running = { session };
    if (this.config.mode === 'polling') {
      const poller = new TelegramPoller(this.bot.telegram, new TelegramCursor(this.ctx.state, me.id), this.processor, this.config.polling, this.ctx.health, this.ctx.logger);
      running.poller = poller;
      running.polling = this.ctx.singleton.run(`poller-${me.id}`, (signal) => poller.pass(signal));
    } else {
      if (this.config.webhook?.url) {
        await this.bot.telegram.setWebhook(this.config.webhook.url, { secret_token: this.config.webhook.secretToken, allowed_updates: [...ALLOWED_UPDATES] });
      }
      this.ctx.health.report({ status: 'up', detail: 'webhook mode' });
    }
    this.running = running;
    this.ctx.logger.info(`@${me.username} connected (${this.config.mode}); duty chats: ${[...this.dutyChats.ids()].join(', ') || 'none yet'}`);
    return { stop: () => this.stop() };
  }

  async deliver(delivery: Delivery, options: { signal: AbortSignal }): Promise<DeliveryResult> {
    await this.loadAliases();
    return this.notifier.deliver(delivery, options.signal);
  }

  private async processWebhook(update: WireUpdate): Promise<WebhookOutcome> {
    if (!this.running) return this.stopped ? 'stopped' : 'failed';
    const done = await this.processor.process([update]);
    return done === update.update_id ? 'accepted' : 'failed';
  }

  private async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    this.stopped = true;
    await running?.polling?.stop();
    this.router.attach(undefined);
  }

  /** Once per process; a failed read is tried again on the next call. */
  private loadAliases(): Promise<void> {
    this.aliasesLoaded ??= this.aliases.load().catch((error: unknown) => {
      this.aliasesLoaded = undefined;
      throw error;
    });
    return this.aliasesLoaded;
  }

  private checkDutyTargets(): void {
    for (const target of this.dutyChats.targets()) {
      if (!addressOf(target.to)) this.ctx.logger.error(`duty target "${target.name}": expected to: { chatId: <number>, topicId?: <number> }; notifications to it will fail`);
    }
  }
}
