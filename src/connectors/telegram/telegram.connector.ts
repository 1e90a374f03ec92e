import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectBot } from 'nestjs-telegraf';
import { Telegraf, Telegram } from 'telegraf';
import { CLOCK, type Clock } from '../../core/clock/clock';
import { DATABASE, type Database } from '../../core/persistence/database';
import { HealthState } from '../../core/runtime/health-state';
import { CONTRACT_VERSION, type ConnectorManifest, type DuplexConnector, type Health, type Stoppable } from '../../plugins/contract/connector';
import { type Delivery, type DeliveryResult } from '../../plugins/contract/delivery';
import { type MessageSink } from '../../plugins/contract/message';
import { ReplywatchConnector } from '../../plugins/registry/connector.decorator';
import { ChatAliases } from './chat-aliases';
import { addressOf, DutyChats } from './duty-chats';
import { DutyNotifier } from './duty-notifier';
import { Pacer } from './pacer';
import { guardTelegram, SendGuard } from './send-guard';
import { registerCommands } from './telegram-commands';
import { telegramConfigSchema, type TelegramConfig } from './telegram.config';
import { TelegramCursor } from './telegram-cursor';
import { toConnectorError } from './telegram-error.mapper';
import { TelegramPoller } from './telegram-poller';
import { TelegramRouter } from './telegram-router';
import { type TelegramSession } from './telegram-session';
import { ALLOWED_UPDATES, type WireUpdate } from './telegram.wire';
import { UpdateProcessor } from './update-processor';

interface Running {
  session: TelegramSession;
  processor: UpdateProcessor;
  poller?: TelegramPoller;
}

/**
 * Telegram, both ways, through one bot: customer groups and forum topics in, duty chats out.
 * The bot object comes from nestjs-telegraf (which also wires the update handlers); this class
 * owns its lifecycle — launch, polling or webhook, stop — so failures are caught and shown.
 */
@Injectable()
@ReplywatchConnector()
export class TelegramConnector implements DuplexConnector<TelegramConfig> {
  private readonly logger = new Logger('connector:telegram');
  private running: Running | undefined;
  private stopped = false;
  private notifier: DutyNotifier | undefined;
  private retrying: Promise<void> | undefined;
  private readonly retryAbort = new AbortController();

  readonly manifest: ConnectorManifest<TelegramConfig> = {
    id: 'telegram',
    contractVersion: CONTRACT_VERSION,
    direction: 'duplex',
    channel: 'telegram',
    displayName: 'Telegram (groups, forum topics, duty chats)',
    configSchema: telegramConfigSchema,
  };

  /**
   * The database and what uses it are looked up on first use: the database opens only after
   * every connector is built and its settings checked, so a connector cannot take it as a
   * constructor argument.
   */
  private deps: { db: Database; clock: Clock; router: TelegramRouter; aliases: ChatAliases } | undefined;

  constructor(
    @InjectBot() private readonly bot: Telegraf,
    private readonly guard: SendGuard,
    private readonly dutyChats: DutyChats,
    private readonly moduleRef: ModuleRef,
  ) {
    guardTelegram(bot.telegram, guard);
    // Handler errors must reach the poller (to fetch the update again), not a log line.
    bot.catch((error) => {
      throw error;
    });
    // nestjs-telegraf calls bot.stop() on shutdown, which throws unless telegraf's own launch()
    // ran; this connector runs the bot itself and stops it in its Stoppable.
    bot.stop = () => undefined;
  }

  async verify(config: TelegramConfig): Promise<Health> {
    const running = this.running;
    if (running?.poller) return running.poller.health;
    if (running) return { status: 'up', detail: 'webhook mode' };
    if (this.retrying && !this.stopped) return this.moduleRef.get(HealthState, { strict: false }).connectors[this.manifest.id] ?? { status: 'degraded', detail: 'connecting' };
    try {
      await this.client(config).getMe();
      return { status: 'up' };
    } catch (error) {
      return { status: 'down', detail: toConnectorError(error, 'getMe').message };
    }
  }

  /**
   * A rejected token fails the start (a clear error on /health; the rest of the hub runs).
   * A Bot API that cannot be reached right now does not: the connector keeps trying in the
   * background, so a network blip at boot does not leave Telegram off until the next restart.
   */
  async start(config: TelegramConfig, sink: MessageSink): Promise<Stoppable> {
    this.stopped = false;
    try {
      await this.launch(config, sink);
    } catch (error) {
      const failure = toConnectorError(error, 'getMe');
      if (!failure.retryable) throw new Error(`cannot reach the bot: ${failure.message}`);
      this.report({ status: 'degraded', detail: `cannot reach the Bot API yet (${failure.message}); retrying` });
      this.logger.warn(`cannot reach the Bot API yet (${failure.message}); retrying in the background`);
      this.retrying = this.retryLaunch(config, sink);
    }
    return { stop: () => this.stop() };
  }

  private async retryLaunch(config: TelegramConfig, sink: MessageSink): Promise<void> {
    const { clock } = this.resolve();
    for (let attempt = 1; !this.stopped; attempt++) {
      await clock.sleep(Math.min(60_000, 1000 * 2 ** Math.min(attempt, 6)), this.retryAbort.signal);
      if (this.stopped) return;
      try {
        await this.launch(config, sink);
        return;
      } catch (error) {
        const failure = toConnectorError(error, 'getMe');
        this.report({ status: failure.retryable ? 'degraded' : 'down', detail: failure.message });
        if (!failure.retryable) return;
      }
    }
  }

  private async launch(config: TelegramConfig, sink: MessageSink): Promise<void> {
    const { db, clock, router, aliases } = this.resolve();
    const me = await this.bot.telegram.getMe();
    this.bot.botInfo = me;
    await aliases.load();
    this.checkDutyTargets();
    const session: TelegramSession = { connectorId: this.manifest.id, channel: 'telegram', config, sink, botId: me.id, botUsername: me.username, telegram: this.bot.telegram };
    router.attach(session);
    const processor = new UpdateProcessor((update) => this.bot.handleUpdate(update as never));
    await registerCommands(this.bot.telegram, this.dutyChats, this.logger);
    const running: Running = { session, processor };
    if (config.mode === 'polling') {
      running.poller = new TelegramPoller(this.bot.telegram, db, clock, new TelegramCursor(db, clock, me.id), processor, {
        botId: me.id,
        timeout: config.polling.timeout,
        limit: config.polling.limit,
      });
      running.poller.onHealthChange = (health) => this.report(health);
      running.poller.start();
    } else {
      if (config.webhook?.url) {
        await this.bot.telegram.setWebhook(config.webhook.url, { secret_token: config.webhook.secretToken, allowed_updates: [...ALLOWED_UPDATES] });
      }
      this.report({ status: 'up', detail: 'webhook mode' });
    }
    this.running = running;
    this.logger.log(`@${me.username} connected (${config.mode}); duty chats: ${[...this.dutyChats.ids()].join(', ') || 'none yet'}`);
  }

  /** Health is pushed as it changes, so /health does not wait for the next periodic check. */
  private report(health: Health): void {
    this.moduleRef.get(HealthState, { strict: false }).connectors[this.manifest.id] = health;
  }

  deliver(config: TelegramConfig, delivery: Delivery): Promise<DeliveryResult> {
    if (!this.notifier) {
      const { db, clock, aliases } = this.resolve();
      this.notifier = new DutyNotifier(() => this.bot.telegram, db, clock, this.dutyChats, aliases, new Pacer(config.pacing), config.maxUploadBytes);
    }
    return this.notifier.deliver(delivery);
  }

  webhookSecret(): string | undefined {
    const running = this.running;
    return running && running.session.config.mode === 'webhook' ? running.session.config.webhook?.secretToken : undefined;
  }

  async receiveWebhook(body: unknown): Promise<'accepted' | 'invalid' | 'failed' | 'stopped'> {
    const running = this.running;
    if (!running) return this.stopped ? 'stopped' : 'failed';
    if (typeof body !== 'object' || body === null || typeof (body as { update_id?: unknown }).update_id !== 'number') return 'invalid';
    const update = body as WireUpdate;
    const done = await running.processor.process([update]);
    return done === update.update_id ? 'accepted' : 'failed';
  }

  private async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    this.stopped = true;
    this.retryAbort.abort();
    await this.retrying;
    await running?.poller?.stop();
    this.deps?.router.attach(undefined);
  }

  private resolve(): NonNullable<TelegramConnector['deps']> {
    this.deps ??= {
      db: this.moduleRef.get(DATABASE, { strict: false }),
      clock: this.moduleRef.get(CLOCK, { strict: false }),
      router: this.moduleRef.get(TelegramRouter, { strict: false }),
      aliases: this.moduleRef.get(ChatAliases, { strict: false }),
    };
    return this.deps;
  }

  private checkDutyTargets(): void {
    for (const target of this.dutyChats.targets()) {
      if (!addressOf(target.to)) this.logger.error(`duty target "${target.name}": expected to: { chatId: <number>, topicId?: <number> }; notifications to it will fail`);
    }
  }

  /** A throwaway client for verify() before start; it never writes, but is guarded all the same. */
  private client(config: TelegramConfig): Telegram {
    return guardTelegram(new Telegram(config.token, { apiRoot: config.apiRoot, webhookReply: false }), this.guard);
  }
}
