import { ConnectorError, outboundHttp, type ConnectorContext, type ConnectorInstance, type Delivery, type DeliveryResult, type DeliverOptions, type Health, type HealthPart } from 'replywatch/sdk';
import { authTestHealth, incomingWebhookOutcome, webApiOutcome } from './slack-answer';
import { slackMessage } from './slack-blocks';
import { type SlackConfig } from './slack.config';

/** How long a posted delivery is remembered, against posting it again after a crash. */
const SENT_MEMORY_MS = 7 * 86_400_000;

/**
 * Duty notifications into Slack: `chat.postMessage` with a bot token (a channel, optionally a
 * thread), or an incoming webhook. One attempt per call; waits and retries are the outbox's.
 * /health/ready shows what is set in hub.yaml: the bot (auth.test, and a token refused while
 * posting) and each incoming webhook whose last attempt failed. A duty target's channel that
 * does not work is explained in its dead letters and the outbox summary instead.
 */
export class SlackRuntime implements ConnectorInstance {
  private readonly http = outboundHttp();
  /** The bot as last seen: auth.test, or a refused token while posting. */
  private bot: Health | undefined;
  /** Incoming webhooks whose last attempt failed, by name. */
  private readonly failingHooks = new Map<string, HealthPart>();

  constructor(
    private readonly ctx: ConnectorContext<SlackConfig>,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** `auth.test` with the bot token, when there is one: a revoked token shows before the first alert. */
  async verify(): Promise<Health> {
    this.bot = await this.checkBot();
    return this.health();
  }

  private async checkBot(): Promise<Health> {
    const token = this.tokenOrUndefined();
    if (token === undefined) return this.ctx.config.token !== undefined || this.ctx.config.tokenEnv !== undefined ? { status: 'down', detail: this.missingToken().message } : { status: 'up', detail: 'incoming webhooks only' };
    try {
      const answer = await this.http.post(`${this.ctx.config.apiUrl}/auth.test`, {}, { headers: { authorization: `Bearer ${token}` }, timeoutMs: this.ctx.config.timeout, signal: AbortSignal.timeout(this.ctx.config.timeout) });
      return authTestHealth(answer, this.ctx.clock.now());
    } catch (error) {
      return { status: 'degraded', detail: `cannot reach Slack: ${(error as Error).message}` };
    }
  }

  /** The bot, plus a part for each failing incoming webhook (none while all work, so the usual answer stays short). */
  private health(): Health {
    const bot = this.bot ?? { status: 'up', detail: 'not checked yet' };
    if (this.failingHooks.size === 0) return bot;
    const parts = [...this.failingHooks.values()];
    const status = bot.status === 'down' || parts.every((p) => p.status === 'down') ? 'down' : 'degraded';
    return { status, detail: `${bot.detail ?? bot.status}; incoming webhooks failing: ${parts.map((p) => p.name.replace(/^webhook /, '')).join(', ')}`, parts };
  }

  async deliver(delivery: Delivery, options: DeliverOptions): Promise<DeliveryResult> {
    const message = slackMessage(delivery.payload);
    const webhook = typeof delivery.target.webhook === 'string' ? delivery.target.webhook : undefined;
    if (webhook !== undefined) return this.postToWebhook(webhook, message, options.signal);
    // Posted before, and the hub died before it could record the delivery: do not post twice.
    const sentKey = `sent:${delivery.idempotencyKey}`;
    const sent = await this.ctx.state.get<{ externalId: string }>(sentKey);
    if (sent) return { externalId: sent.value.externalId };
    const channel = typeof delivery.target.channel === 'string' ? delivery.target.channel : '';
    const thread = typeof delivery.target.thread === 'string' ? delivery.target.thread : undefined;
    const token = this.token();
    const answer = await this.http
      .post(
        `${this.ctx.config.apiUrl}/chat.postMessage`,
        { channel, ...message, ...(thread ? { thread_ts: thread } : {}), unfurl_links: false },
        { headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' }, timeoutMs: this.ctx.config.timeout, signal: options.signal },
      )
      .catch((error: unknown) => {
        throw error instanceof ConnectorError ? withTarget(error, delivery.target.name) : error;
      });
    const outcome = webApiOutcome(answer, this.ctx.clock.now());
    if (outcome instanceof ConnectorError) {
      // A refused token is the bot's, not the channel's: show it now, not at the next auth.test.
      if (outcome.code === 'AUTH_FAILED') this.report(() => (this.bot = { status: 'down', detail: outcome.message }));
      throw withTarget(outcome, delivery.target.name);
    }
    const externalId = `${outcome.channel || channel}:${outcome.ts}`;
    await this.ctx.state.set(sentKey, { externalId }, { ttlMs: SENT_MEMORY_MS });
    return { externalId };
  }

  private async postToWebhook(name: string, message: ReturnType<typeof slackMessage>, signal: AbortSignal): Promise<DeliveryResult> {
    const hook = this.ctx.config.incomingWebhooks.find((w) => w.name === name);
    if (!hook) throw new ConnectorError('NOT_FOUND', `no incoming webhook named "${name}" under connectors.slack.incomingWebhooks`);
    const url = hook.url ?? this.env[hook.urlEnv ?? ''];
    if (url === undefined || url === '') throw new ConnectorError('AUTH_FAILED', `incoming webhook ${name}: the environment variable ${hook.urlEnv ?? ''} is not set`, { scope: 'target' });
    try {
      const answer = await this.http.post(url, message, { timeoutMs: this.ctx.config.timeout, signal });
      const outcome = incomingWebhookOutcome(answer, this.ctx.clock.now());
      if (outcome !== 'ok') throw outcome;
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      // The message's own fault, a rate limit or the hub giving up say nothing about the URL.
      if (error.code !== 'INVALID_PAYLOAD' && error.code !== 'RATE_LIMITED' && !signal.aborted) this.hookFailed(name, error);
      throw withTarget(error, `webhook ${name}`);
    }
    if (this.failingHooks.delete(name)) this.report();
    return {};
  }

  private hookFailed(name: string, error: ConnectorError): void {
    const at = new Date(this.ctx.clock.now()).toISOString();
    this.report(() => this.failingHooks.set(name, { name: `webhook ${name}`, status: error.retryable ? 'degraded' : 'down', detail: `last attempt ${at}: ${error.code}: ${error.message}` }));
  }

  /** Applies `change` and shows the result on /health/ready at once. */
  private report(change: () => unknown = () => undefined): void {
    change();
    this.ctx.health.report(this.health());
  }

  private tokenOrUndefined(): string | undefined {
    const token = this.ctx.config.token ?? (this.ctx.config.tokenEnv === undefined ? undefined : this.env[this.ctx.config.tokenEnv]);
    return token === '' ? undefined : token;
  }

  private token(): string {
    const token = this.tokenOrUndefined();
    if (token === undefined) throw this.missingToken();
    return token;
  }

  private missingToken(): ConnectorError {
    const where = this.ctx.config.tokenEnv === undefined ? 'connectors.slack.token' : `the environment variable ${this.ctx.config.tokenEnv}`;
    return new ConnectorError('AUTH_FAILED', `no Slack bot token: set ${where}`);
  }
}

function withTarget(error: ConnectorError, where: string): ConnectorError {
  return new ConnectorError(error.code, `${where}: ${error.message}`, { ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }), ...(error.scope === undefined ? {} : { scope: error.scope }) });
}
