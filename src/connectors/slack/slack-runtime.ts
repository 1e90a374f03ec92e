import { ConnectorError, outboundHttp, type ConnectorContext, type ConnectorInstance, type Delivery, type DeliveryResult, type DeliverOptions, type Health } from 'replywatch/sdk';
import { incomingWebhookOutcome, webApiOutcome } from './slack-answer';
import { slackMessage } from './slack-blocks';
import { type SlackConfig } from './slack.config';

/** How long a posted delivery is remembered, against posting it again after a crash. */
const SENT_MEMORY_MS = 7 * 86_400_000;

/**
 * Duty notifications into Slack: `chat.postMessage` with a bot token (a channel, optionally a
 * thread), or an incoming webhook. One attempt per call; waits and retries are the outbox's.
 */
export class SlackRuntime implements ConnectorInstance {
  private readonly http = outboundHttp();

  constructor(
    private readonly ctx: ConnectorContext<SlackConfig>,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** `auth.test` with the bot token, when there is one: a revoked token shows before the first alert. */
  async verify(): Promise<Health> {
    const token = this.tokenOrUndefined();
    if (token === undefined) return this.ctx.config.token !== undefined || this.ctx.config.tokenEnv !== undefined ? { status: 'down', detail: this.missingToken().message } : { status: 'up', detail: 'incoming webhooks only' };
    try {
      const answer = await this.http.post(`${this.ctx.config.apiUrl}/auth.test`, {}, { headers: { authorization: `Bearer ${token}` }, timeoutMs: this.ctx.config.timeout, signal: AbortSignal.timeout(this.ctx.config.timeout) });
      const body = JSON.parse(answer.body || '{}') as { ok?: boolean; error?: string; team?: string; user?: string };
      if (body.ok === true) return { status: 'up', detail: `bot ${body.user ?? '?'} in ${body.team ?? '?'}` };
      return { status: 'down', detail: `Slack refused the bot token (${body.error ?? `HTTP ${answer.status}`})` };
    } catch (error) {
      return { status: 'degraded', detail: `cannot reach Slack: ${(error as Error).message}` };
    }
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
    const answer = await this.http.post(
      `${this.ctx.config.apiUrl}/chat.postMessage`,
      { channel, ...message, ...(thread ? { thread_ts: thread } : {}), unfurl_links: false },
      { headers: { authorization: `Bearer ${this.token()}`, 'content-type': 'application/json; charset=utf-8' }, timeoutMs: this.ctx.config.timeout, signal: options.signal },
    );
    const outcome = webApiOutcome(answer, this.ctx.clock.now());
    if (outcome instanceof ConnectorError) throw withTarget(outcome, delivery.target.name);
    const externalId = `${outcome.channel || channel}:${outcome.ts}`;
    await this.ctx.state.set(sentKey, { externalId }, { ttlMs: SENT_MEMORY_MS });
    return { externalId };
  }

  private async postToWebhook(name: string, message: ReturnType<typeof slackMessage>, signal: AbortSignal): Promise<DeliveryResult> {
    const hook = this.ctx.config.incomingWebhooks.find((w) => w.name === name);
    if (!hook) throw new ConnectorError('NOT_FOUND', `no incoming webhook named "${name}" under connectors.slack.incomingWebhooks`);
    const url = hook.url ?? this.env[hook.urlEnv ?? ''];
    if (url === undefined || url === '') throw new ConnectorError('AUTH_FAILED', `incoming webhook ${name}: the environment variable ${hook.urlEnv ?? ''} is not set`);
    const answer = await this.http.post(url, message, { timeoutMs: this.ctx.config.timeout, signal });
    const outcome = incomingWebhookOutcome(answer, this.ctx.clock.now());
    if (outcome !== 'ok') throw withTarget(outcome, `webhook ${name}`);
    return {};
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
  return new ConnectorError(error.code, `${where}: ${error.message}`, error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs });
}
