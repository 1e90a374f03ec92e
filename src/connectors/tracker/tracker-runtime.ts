import {
  asConnectorError,
  ConnectorError,
  isTicketPayload,
  type ConnectorContext,
  type ConnectorInstance,
  type Delivery,
  type DeliveryResult,
  type DeliverOptions,
  type Health,
  type HealthPart,
  type ScheduledJob,
  TargetRefusals,
  type TicketPayload,
} from 'replywatch/sdk';
import { failureOf, notTracker } from './tracker-answer';
import { TrackerBackSync } from './tracker-back-sync';
import { TrackerApi } from './tracker-http';
import { userAnswer, type TrackerUser } from './tracker-issue';
import { TrackerTickets } from './tracker-tickets';
import { trackerTargetSchema, type TrackerConfig, type TrackerTarget } from './tracker.config';

/**
 * Tickets in Yandex Tracker: deliveries of ticket.create / ticket.comment / ticket.resolve
 * (one attempt per call; waits and retries are the outbox's), and the back-sync job that
 * reports answers and resolutions made in Tracker back to the hub. /health/ready shows the
 * robot (`GET /v2/myself`) and the back-sync's last run.
 */
export class TrackerRuntime implements ConnectorInstance {
  private readonly api: TrackerApi;
  private readonly tickets: TrackerTickets;
  private readonly backSync: TrackerBackSync;
  private readonly job: ScheduledJob;
  private account: Health | undefined;
  private robot: TrackerUser | undefined;
  /** Deliveries Tracker refused for good, per target, until one to that target gets through. */
  private readonly refusals = new TargetRefusals();

  constructor(private readonly ctx: ConnectorContext<TrackerConfig>) {
    this.api = new TrackerApi(ctx.config);
    this.tickets = new TrackerTickets(ctx, this.api);
    this.backSync = new TrackerBackSync(ctx, this.tickets, (signal) => this.me(signal), () => ctx.health.report(this.health()));
    // Outbound connectors have no start(): the job begins with the instance, and the hub
    // stops it with the connector's background work (close() stops it too).
    this.job = ctx.scheduler.every('poll', ctx.config.poll.interval, (signal) => this.backSync.run(signal));
  }

  /**
   * `GET /v2/myself`: the token works in the organization (and who the robot is); then each
   * ticket target's queue exists, so a typo in the rules shows on /health/ready before the
   * first ticket dead-letters on it.
   */
  async verify(): Promise<Health> {
    try {
      const robot = await this.me(AbortSignal.timeout(this.ctx.config.timeout), true);
      const missing = await this.missingQueues();
      this.account =
        missing.length === 0
          ? { status: 'up', detail: `robot ${robot.display} in ${this.organization()}` }
          : { status: 'degraded', detail: `robot ${robot.display} in ${this.organization()}; ${missing.join('; ')}` };
    } catch (error) {
      const failure = asConnectorError(error);
      this.account = { status: failure.retryable ? 'degraded' : 'down', detail: failure.message };
    }
    return this.health();
  }

  async deliver(delivery: Delivery, options: DeliverOptions): Promise<DeliveryResult> {
    const { payload } = delivery;
    if (!isTicketPayload(payload)) {
      throw new ConnectorError('INVALID_PAYLOAD', `target ${delivery.target.name}: a Tracker target takes ticket events only (ticket.create, ticket.comment, ticket.resolve), not ${payload.event}; list it under tickets.targets in the rules, not duty.targets`);
    }
    const target = this.targetOf(delivery);
    try {
      const result = await this.deliverTicket(delivery, payload, target, options.signal);
      if (this.refusals.delivered(delivery.target.name)) this.ctx.health.report(this.health());
      return result;
    } catch (error) {
      const caught = asConnectorError(error);
      const failure = new ConnectorError(caught.code, this.api.scrub(caught.message), caught.retryAfterMs === undefined ? {} : { retryAfterMs: caught.retryAfterMs });
      if (this.refusals.failed(delivery.target.name, failure)) this.ctx.health.report(this.health());
      // A refused token is the connector's, not the issue's: show it now, not at the next verify.
      if (failure.code === 'AUTH_FAILED') {
        this.account = { status: 'down', detail: failure.message };
        this.ctx.health.report(this.health());
      }
      throw new ConnectorError(failure.code, this.api.scrub(`target ${delivery.target.name}: ${failure.message}`), failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs });
    }
  }

  private deliverTicket(delivery: Delivery, payload: TicketPayload, target: TrackerTarget, signal: AbortSignal): Promise<DeliveryResult> {
    switch (payload.event) {
      case 'ticket.create':
        return this.tickets.create({ ...delivery, payload }, target, signal);
      case 'ticket.comment':
        return this.tickets.comment({ ...delivery, payload }, signal);
      case 'ticket.resolve':
        return this.tickets.resolve({ ...delivery, payload }, target, signal);
    }
  }

  async close(): Promise<void> {
    await this.job.stop();
  }

  /** The robot's account; asked anew when `fresh` (verify checks the token every time), else remembered. */
  private async me(signal: AbortSignal, fresh = false): Promise<TrackerUser> {
    if (this.robot && !fresh) return this.robot;
    const what = `reading the robot's own account (GET /v2/myself) in ${this.organization()}`;
    const answer = await this.api.get('/v2/myself', signal);
    if (answer.status !== 200) throw failureOf(answer, what, this.ctx.clock.now(), (text) => this.api.scrub(text));
    const robot = userAnswer(answer);
    if (!robot) throw notTracker(answer, what, (text) => this.api.scrub(text));
    this.robot = robot;
    return robot;
  }

  /** The ticket targets whose queue Tracker does not know, each with Tracker's words. */
  private async missingQueues(): Promise<string[]> {
    const queues = new Map<string, string[]>();
    for (const target of this.ctx.rules.ticketTargets()) {
      const queue = typeof target.to.queue === 'string' ? target.to.queue : undefined;
      if (queue !== undefined) queues.set(queue, [...(queues.get(queue) ?? []), target.name]);
    }
    const missing: string[] = [];
    for (const [queue, targets] of queues) {
      const answer = await this.api.get(`/v2/queues/${encodeURIComponent(queue)}`, AbortSignal.timeout(this.ctx.config.timeout));
      if (answer.status === 200) continue;
      const failure = failureOf(answer, `reading queue ${queue}`, this.ctx.clock.now(), (text) => this.api.scrub(text));
      // A refused token is the account's problem, reported by the caller.
      if (failure.code === 'AUTH_FAILED') throw failure;
      missing.push(`ticket target${targets.length > 1 ? 's' : ''} ${targets.join(', ')}: ${failure.message}`);
    }
    return missing;
  }

  private health(): Health {
    const account = this.account ?? { status: 'up', detail: 'not checked yet' };
    const parts = [this.backSync.health, this.refusals.part()].filter((p): p is HealthPart => p !== undefined);
    if (parts.length === 0) return account;
    const statuses = [account.status, ...parts.map((p) => p.status)];
    const status = statuses.includes('down') ? 'down' : statuses.includes('degraded') ? 'degraded' : 'up';
    return { status, detail: [account.detail ?? account.status, ...parts.map((p) => `${p.name}: ${p.detail ?? p.status}`)].join('; '), parts };
  }

  private organization(): string {
    return this.ctx.config.orgId !== undefined ? `organization ${this.ctx.config.orgId} (X-Org-ID)` : `cloud organization ${this.ctx.config.cloudOrgId ?? ''} (X-Cloud-Org-ID)`;
  }

  private targetOf(delivery: Delivery): TrackerTarget {
    const { name, ...to } = delivery.target;
    const parsed = trackerTargetSchema.safeParse(to);
    if (parsed.success) return parsed.data;
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(to)'}: ${i.message}`).join('; ');
    throw new ConnectorError('INVALID_PAYLOAD', `ticket target ${name}: its to: does not fit a Tracker target (${where})`);
  }
}
