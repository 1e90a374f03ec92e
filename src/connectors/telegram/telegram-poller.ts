import { Logger } from '@nestjs/common';
import { type Telegram } from 'telegraf';
import { type Clock } from '../../core/clock/clock';
import { WakeableLoop } from '../../core/clock/wakeable-loop';
import { type Database, type Leadership } from '../../core/persistence/database';
import { type Health } from '../../plugins/contract/connector';
import { type TelegramCursor } from './telegram-cursor';
import { botApiFailure } from './telegram-error.mapper';
import { ALLOWED_UPDATES, type WireUpdate } from './telegram.wire';
import { type UpdateProcessor } from './update-processor';

const STANDBY_RETRY_MS = 15_000;
const CONFLICT_RETRY_MS = 30_000;
const MAX_BACKOFF_MS = 30_000;

/** One advisory lock per bot: only one replica may call getUpdates, or Telegram answers 409. */
export function pollerLockKey(botId: number): string {
  return (7_000_000_000_000_000_000n + BigInt(botId)).toString();
}

/**
 * Long polling, written here rather than telegraf's launch(): telegraf confirms a batch even
 * when a handler failed (the update is lost), sleeps on real time, and deletes a webhook it
 * finds. This loop confirms only what was committed, keeps its cursor in the database, backs
 * off on the injected clock, and explains 401/409 on /health instead of dying.
 */
export class TelegramPoller {
  private current: Health = { status: 'degraded', detail: 'starting' };
  /** Told at once when the state changes, so /health does not wait for its next check. */
  onHealthChange: (health: Health) => void = () => undefined;
  polls = 0;
  private readonly logger = new Logger('telegram:poller');
  private readonly loop: WakeableLoop;
  private readonly abort = new AbortController();
  private leadership: Leadership | null = null;
  private offset: number | undefined;
  private errors = 0;

  constructor(
    private readonly telegram: Telegram,
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly cursor: TelegramCursor,
    private readonly processor: UpdateProcessor,
    private readonly settings: { botId: number; timeout: number; limit: number },
  ) {
    this.loop = new WakeableLoop(clock, () => this.pass(), (error) => this.logger.error(`polling pass failed: ${String(error)}`), 5000);
  }

  get health(): Health {
    return this.current;
  }

  private set health(health: Health) {
    const changed = health.status !== this.current.status || health.detail !== this.current.detail;
    this.current = health;
    if (changed) this.onHealthChange(health);
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop.stop();
    await this.leadership?.release();
    this.leadership = null;
  }

  private async pass(): Promise<number> {
    if (!(await this.lead())) return STANDBY_RETRY_MS;
    if (this.offset === undefined) this.offset = ((await this.cursor.load()) ?? -1) + 1;
    let updates: WireUpdate[];
    try {
      this.polls++;
      updates = (await this.telegram.callApi(
        'getUpdates',
        { offset: this.offset, timeout: this.settings.timeout, limit: this.settings.limit, allowed_updates: [...ALLOWED_UPDATES] },
        { signal: this.abort.signal as never },
      )) as unknown as WireUpdate[];
    } catch (error) {
      return this.onPollError(error);
    }
    this.errors = 0;
    this.health = { status: 'up', detail: 'polling' };
    const done = await this.processor.process(updates);
    if (done !== undefined) {
      await this.cursor.save(done);
      this.offset = done + 1;
    }
    const last = updates[updates.length - 1]?.update_id;
    if (last !== undefined && done !== last) {
      this.health = { status: 'degraded', detail: 'an update could not be stored; retrying it' };
      return this.backoff();
    }
    return 0;
  }

  private async lead(): Promise<boolean> {
    if (this.leadership && (await this.leadership.stillHeld())) return true;
    if (this.leadership) this.logger.warn('lost the polling lock (database connection gone); trying to take it again');
    this.leadership = await this.db.tryLeadership(pollerLockKey(this.settings.botId));
    if (this.leadership) {
      // Another replica may have moved the cursor while this one stood by.
      this.offset = undefined;
      this.logger.log('this replica polls Telegram');
      return true;
    }
    this.health = { status: 'up', detail: 'standby: another replica polls Telegram' };
    return false;
  }

  private onPollError(error: unknown): number {
    if (this.abort.signal.aborted) return 0;
    const failure = botApiFailure(error);
    if (failure?.code === 409) {
      const detail = /webhook/i.test(failure.description)
        ? 'Telegram says a webhook is set, so getUpdates is refused; remove it (deleteWebhook) or set mode: webhook'
        : 'another process is polling with this bot token (Telegram allows one); stop it or use mode: webhook';
      this.health = { status: 'degraded', detail: `409 Conflict: ${detail}` };
      this.logger.error(this.health.detail ?? '');
      return CONFLICT_RETRY_MS;
    }
    if (failure?.code === 401 || failure?.code === 404) {
      this.health = { status: 'down', detail: `the Bot API rejected the token (${failure.code} ${failure.description}); fix connectors.telegram.token` };
      this.logger.error(this.health.detail ?? '');
      return MAX_BACKOFF_MS * 4;
    }
    if (failure?.code === 429) return failure.retryAfterMs ?? 5000;
    const reason = failure ? `${failure.code} ${failure.description}` : error instanceof Error ? error.message : String(error);
    this.health = { status: 'degraded', detail: `getUpdates failed: ${reason}` };
    this.logger.warn(`getUpdates failed (${reason}); retrying`);
    return this.backoff();
  }

  private backoff(): number {
    this.errors++;
    return Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.errors, 10));
  }
}
