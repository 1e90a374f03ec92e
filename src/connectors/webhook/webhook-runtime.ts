import { ConnectorError, outboundHttp, type ConnectorContext, type ConnectorInstance, type Delivery, type DeliveryResult, type DeliverOptions, type Health, type HealthPart } from 'replywatch/sdk';
import { GoneEndpoints } from './endpoint-state';
import { outcomeOf } from './webhook-answer';
import { type WebhookConfig, type WebhookEndpoint } from './webhook.config';
import { envelopeOf, eventTypeOf } from './webhook-envelope';
import { WebhookSigner } from './webhook-signer';

/**
 * Posts deliveries as signed Standard Webhooks to the endpoints in hub.yaml. One attempt per
 * call, as the outbox asks: retries, waits and dead letters are the hub's. URLs are never
 * written into messages (they may carry tokens); endpoints are named by their name.
 */
export class WebhookRuntime implements ConnectorInstance {
  private readonly http = outboundHttp();
  private readonly gone: GoneEndpoints;
  private readonly endpoints: ReadonlyMap<string, WebhookEndpoint>;
  private readonly signers = new Map<string, WebhookSigner>();

  constructor(private readonly ctx: ConnectorContext<WebhookConfig>) {
    this.gone = new GoneEndpoints(ctx.state, ctx.clock);
    this.endpoints = new Map(ctx.config.endpoints.map((e) => [e.name, e]));
  }

  async verify(): Promise<Health> {
    const parts = await Promise.all(this.ctx.config.endpoints.map((endpoint) => this.partOf(endpoint)));
    const down = parts.filter((p) => p.status === 'down').length;
    const status = down === 0 ? 'up' : down === parts.length ? 'down' : 'degraded';
    return { status, detail: parts.map((p) => `${p.name}: ${p.detail ?? p.status}`).join('; '), parts };
  }

  async deliver(delivery: Delivery, options: DeliverOptions): Promise<DeliveryResult> {
    const endpoint = this.endpointOf(delivery);
    const goneAt = await this.gone.goneSince(endpoint);
    if (goneAt !== undefined) throw new ConnectorError('NOT_FOUND', `endpoint ${endpoint.name} is disabled: its receiver answered 410 Gone at ${goneAt}; set a new url to enable it again`);
    const type = eventTypeOf(delivery.payload);
    // Filtered out: nothing to post, and nothing to retry.
    if (endpoint.events !== undefined && !endpoint.events.includes(type)) return { externalId: 'filtered' };
    const now = new Date(this.ctx.clock.now());
    const body = JSON.stringify(envelopeOf(delivery.payload, now));
    const headers = this.signerOf(endpoint).headers(delivery.idempotencyKey, now, body);
    const answer = await this.http.post(endpoint.url, body, { headers: { 'user-agent': 'replywatch-webhooks/1', ...headers }, timeoutMs: endpoint.timeout, signal: options.signal, maxResponseBytes: this.ctx.config.maxResponseBytes });
    const outcome = outcomeOf(answer, this.ctx.clock.now());
    if (outcome === 'delivered') return {};
    if (outcome === 'gone') {
      await this.disable(endpoint, now);
      throw new ConnectorError('NOT_FOUND', `endpoint ${endpoint.name}: the receiver answered 410 Gone; the endpoint is disabled until its url changes`);
    }
    // The scope travels too: one receiver refusing its secret must pause that endpoint, not every endpoint.
    throw new ConnectorError(outcome.code, `endpoint ${endpoint.name}: ${outcome.message}`, {
      ...(outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs }),
      ...(outcome.scope === undefined ? {} : { scope: outcome.scope }),
    });
  }

  private endpointOf(delivery: Delivery): WebhookEndpoint {
    const name = typeof delivery.target.endpoint === 'string' ? delivery.target.endpoint : '';
    const endpoint = this.endpoints.get(name);
    if (endpoint) return endpoint;
    const known = [...this.endpoints.keys()].join(', ');
    throw new ConnectorError('NOT_FOUND', `duty target ${delivery.target.name}: no endpoint named "${name}" under connectors.webhook.endpoints (endpoints: ${known})`);
  }

  private signerOf(endpoint: WebhookEndpoint): WebhookSigner {
    let signer = this.signers.get(endpoint.name);
    if (!signer) {
      signer = new WebhookSigner(endpoint);
      this.signers.set(endpoint.name, signer);
    }
    return signer;
  }

  /** Marks the endpoint gone (for every replica) and tells the duty target once. */
  private async disable(endpoint: WebhookEndpoint, at: Date): Promise<void> {
    await this.gone.markGone(endpoint, at);
    this.ctx.health.report(await this.verify());
    this.ctx.logger.warn(`endpoint ${endpoint.name}: the receiver answered 410 Gone; no more events are posted to it until its url changes`);
    const alertTo = this.ctx.config.alertTo;
    if (alertTo === undefined) return;
    await this.ctx.notices.send({
      target: alertTo,
      // Once per endpoint and url, however many deliveries met the 410 at the same time.
      key: `webhook-gone:${endpoint.name}:${GoneEndpoints.urlHash(endpoint.url)}`,
      topic: 'webhook.disabled',
      text: `Webhook endpoint ${endpoint.name} was disabled: its receiver answered 410 Gone. Events for it are dead-lettered until its url is changed in hub.yaml; replay them then.`,
    });
  }

  private async partOf(endpoint: WebhookEndpoint): Promise<HealthPart> {
    const goneAt = await this.gone.goneSince(endpoint);
    if (goneAt !== undefined) return { name: endpoint.name, status: 'down', detail: `disabled: 410 Gone at ${goneAt}` };
    try {
      this.signerOf(endpoint);
    } catch (error) {
      return { name: endpoint.name, status: 'down', detail: (error as Error).message };
    }
    return { name: endpoint.name, status: 'up', detail: endpoint.events ? `events: ${endpoint.events.join(', ')}` : 'all events' };
  }
}
