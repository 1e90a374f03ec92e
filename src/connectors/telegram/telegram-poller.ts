import { ConnectorError, type ConnectorLogger, type Health, type HealthReporter } from 'replywatch/sdk';
import { type Telegram } from 'telegraf';
import { type TelegramCursor } from './telegram-cursor';
import { botApiFailure, withoutToken } from './telegram-error.mapper';
import { ALLOWED_UPDATES, type WireUpdate } from './telegram.wire';
import { type UpdateProcessor } from './update-processor';

/** How long to leave a 409 (webhook set, or a second poller) before asking again. */
const CONFLICT_RETRY_MS = 30_000;

/**
 * Long polling, written here rather than telegraf's launch(): telegraf confirms a batch even
 * when a handler failed (the update is lost), sleeps on real time, and deletes a webhook it
 * finds. Each pass runs as the connector's singleton work (one replica polls, or Telegram
 * answers 409): fetch, handle, and confirm only what was committed by saving the cursor (the
 * next fetch runs alongside that save, once everything it confirms is committed).
 * A failed pass throws a ConnectorError; the host waits (retry_after, or its backoff) and
 * runs the next pass.
 */
export class TelegramPoller {
  polls = 0;
  private current: Health = { status: 'degraded', detail: 'starting' };
  private offset: number | undefined;
  private holding: AbortSignal | undefined;
  /** The next batch, asked for while the current one's cursor was saved. */
  private ahead: { offset: number; updates: Promise<WireUpdate[]> } | undefined;

  constructor(
    private readonly telegram: Telegram,
    private readonly cursor: TelegramCursor,
    private readonly processor: UpdateProcessor,
    private readonly settings: { timeout: number; limit: number },
    private readonly health: HealthReporter,
    private readonly logger: ConnectorLogger,
  ) {}

  get state(): Health {
    return this.current;
  }

  async pass(signal: AbortSignal): Promise<void> {
    if (signal !== this.holding) {
      // A new turn holding the lease: another replica may have moved the cursor meanwhile.
      this.holding = signal;
      this.offset = undefined;
      this.ahead = undefined;
    }
    this.offset ??= ((await this.cursor.load()) ?? -1) + 1;
    let updates: WireUpdate[];
    try {
      const ahead = this.ahead?.offset === this.offset ? this.ahead.updates : undefined;
      this.ahead = undefined;
      updates = await (ahead ?? this.fetch(this.offset, signal));
    } catch (error) {
      if (signal.aborted) return;
      throw this.explain(error);
    }
    this.report({ status: 'up', detail: 'polling' });
    const done = await this.processor.process(updates);
    const last = updates[updates.length - 1]?.update_id;
    if (done !== undefined) {
      this.offset = done + 1;
      // Every update up to `done` is committed, so confirming them to Telegram (which a fetch
      // from a higher offset does) loses nothing: fetch the next batch while the cursor is
      // saved. Never earlier: Telegram forgets confirmed updates, and a crash before the
      // commit would lose them.
      if (done === last) this.fetchAhead(this.offset, signal);
      await this.cursor.save(done);
    }
    if (last !== undefined && done !== last) {
      this.report({ status: 'degraded', detail: 'an update could not be stored; retrying it' });
      throw new ConnectorError('TEMPORARY', `update ${(done ?? this.offset - 1) + 1} could not be stored; fetching it again`);
    }
  }

  private fetch(offset: number, signal: AbortSignal): Promise<WireUpdate[]> {
    this.polls++;
    return this.telegram.callApi(
      'getUpdates',
      { offset, timeout: this.settings.timeout, limit: this.settings.limit, allowed_updates: [...ALLOWED_UPDATES] },
      { signal: signal as never },
    ) as unknown as Promise<WireUpdate[]>;
  }

  private fetchAhead(offset: number, signal: AbortSignal): void {
    const updates = this.fetch(offset, signal);
    // Its failure is reported by the pass that awaits it; none if the turn ends first.
    updates.catch(() => undefined);
    this.ahead = { offset, updates };
  }

  private explain(error: unknown): ConnectorError {
    const failure = botApiFailure(error);
    if (failure?.code === 409) {
      const detail = /webhook/i.test(failure.description)
        ? 'Telegram says a webhook is set, so getUpdates is refused; remove it (deleteWebhook) or set mode: webhook'
        : 'another process is polling with this bot token (Telegram allows one); stop it or use mode: webhook';
      this.report({ status: 'degraded', detail: `409 Conflict: ${detail}` });
      this.logger.error(`409 Conflict: ${detail}`);
      return new ConnectorError('TEMPORARY', `409 Conflict: ${detail}`, { retryAfterMs: CONFLICT_RETRY_MS });
    }
    if (failure?.code === 401 || failure?.code === 404) {
      const detail = `the Bot API rejected the token (${failure.code} ${failure.description}); fix connectors.telegram.token`;
      this.report({ status: 'down', detail });
      this.logger.error(detail);
      return new ConnectorError('AUTH_FAILED', detail);
    }
    if (failure?.code === 429) return new ConnectorError('RATE_LIMITED', `getUpdates: flood control (${failure.description})`, { retryAfterMs: failure.retryAfterMs ?? 5000 });
    const reason = failure ? `${failure.code} ${failure.description}` : withoutToken(error instanceof Error ? error.message : String(error));
    this.report({ status: 'degraded', detail: `getUpdates failed: ${reason}` });
    return new ConnectorError('TEMPORARY', `getUpdates failed: ${reason}`);
  }

  /** Pushed as it changes, so /health does not wait for the next periodic check. */
  private report(health: Health): void {
    if (health.status === this.current.status && health.detail === this.current.detail) return;
    this.current = health;
    this.health.report(health);
  }
}
