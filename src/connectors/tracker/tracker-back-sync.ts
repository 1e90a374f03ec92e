import { asConnectorError, type ConnectorContext, type ConnectorError, type HealthPart, type TicketLink } from 'replywatch/sdk';
import { trackerTime, type TrackerUser } from './tracker-issue';
import { type TrackerTickets } from './tracker-tickets';
import { type TrackerConfig } from './tracker.config';

/** How long the last comment seen on a ticket is remembered after the ticket was last looked at. */
const CURSOR_MEMORY_MS = 180 * 86_400_000;
/** What every comment this connector posts carries (see markerOf). */
const OWN_MARKER = 'replywatch-delivery:';

/**
 * The way back from Tracker (a scheduled job, once across replicas): for each open ticket of
 * this connector, least recently checked first,
 * - an issue in one of `resolvedStatuses` closes the ticket in the hub (its inquiries resolve);
 * - comments newer than the last one seen (a cursor per ticket in ctx.state) that the robot did
 *   not write are reported as agent answers; the hub decides whether they count;
 * - the ticket is marked checked, so the next run starts with others.
 * One issue failing is reported and the walk goes on; a rate limit or a refused token stops
 * it (the rest would fail the same way), and a rate limit makes the scheduler wait as asked.
 */
export class TrackerBackSync {
  private part: HealthPart | undefined;
  private lastOutcome: string | undefined;

  constructor(
    private readonly ctx: ConnectorContext<TrackerConfig>,
    private readonly tickets: TrackerTickets,
    private readonly robot: (signal: AbortSignal) => Promise<TrackerUser>,
    private readonly changed: () => void,
  ) {}

  /** The back-sync's part of /health/ready; undefined until the first run with open tickets. */
  get health(): HealthPart | undefined {
    return this.part;
  }

  async run(signal: AbortSignal): Promise<void> {
    const links = await this.ctx.tickets.open({ limit: this.ctx.config.poll.batch });
    if (links.length === 0) return this.report(0, 0, []);
    let robot: TrackerUser;
    try {
      robot = await this.robot(signal);
    } catch (error) {
      const failure = asConnectorError(error);
      this.report(0, 0, [`who the robot is (GET /v2/myself): ${failure.code}: ${failure.message}`], failure);
      throw failure;
    }
    const failures: string[] = [];
    let checked = 0;
    let closed = 0;
    let stop: ConnectorError | undefined;
    for (const link of links) {
      if (signal.aborted) break;
      try {
        if (await this.syncOne(link, robot, signal)) closed++;
        checked++;
      } catch (error) {
        const failure = asConnectorError(error);
        failures.push(`${link.key ?? link.id}: ${failure.code}: ${failure.message}`);
        this.ctx.logger.warn(`back-sync of Tracker issue ${link.key ?? link.id} failed: ${failure.code}: ${failure.message}`);
        await this.ctx.tickets.checked(link.ref).catch(() => undefined);
        if (failure.code === 'RATE_LIMITED' || failure.code === 'AUTH_FAILED') {
          stop = failure;
          break;
        }
      }
    }
    this.report(checked, closed, failures, stop);
    if (stop?.code === 'RATE_LIMITED') throw stop;
  }

  /** One ticket; true when it was found resolved and closed. */
  private async syncOne(link: TicketLink, robot: TrackerUser, signal: AbortSignal): Promise<boolean> {
    const issue = await this.tickets.issue(link.key ?? link.id, signal);
    const cursorKey = `comments:${link.ref}`;
    if (issue.status !== null && this.ctx.config.resolvedStatuses.includes(issue.status)) {
      await this.ctx.tickets.closed(link.ref, { by: `tracker:${issue.resolvedBy ?? 'unknown'}`, reason: `issue ${issue.key} is ${issue.status} in Tracker` });
      await this.ctx.state.delete(cursorKey);
      return true;
    }
    const cursor = await this.ctx.state.get<{ after: number }>(cursorKey);
    const linkedAt = Date.parse(link.createdAt);
    let after = cursor?.value.after;
    for await (const page of this.tickets.comments(issue.key, after, signal)) {
      for (const comment of page) {
        after = comment.id;
        const at = trackerTime(comment.createdAt);
        if (at === undefined || at.getTime() < linkedAt) continue;
        if ((comment.authorId !== null && robot.ids.includes(comment.authorId)) || comment.text.includes(OWN_MARKER)) continue;
        await this.ctx.tickets.answered(link.ref, { by: `tracker:${comment.author ?? comment.authorId ?? 'unknown'}`, at });
      }
      if (after !== undefined) await this.ctx.state.set(cursorKey, { after }, { ttlMs: CURSOR_MEMORY_MS });
    }
    await this.ctx.tickets.checked(link.ref);
    return false;
  }

  /** Keeps the run's outcome for /health/ready; tells the hub at once when it differs from the last run's. */
  private report(checked: number, closed: number, failures: string[], stop?: ConnectorError): void {
    const at = new Date(this.ctx.clock.now()).toISOString();
    const done = `${checked} open ticket(s) checked, ${closed} closed`;
    const before = this.part;
    const outcome = failures.length === 0 ? done : `${done}; ${failures.length} failed: ${failures.slice(0, 3).join('; ')}${failures.length > 3 ? `; and ${failures.length - 3} more` : ''}`;
    if (failures.length === 0) this.part = { name: 'back-sync', status: 'up', detail: `last run ${at}: ${outcome}`, lastSyncAt: at };
    else this.part = { name: 'back-sync', status: stop?.code === 'AUTH_FAILED' ? 'down' : 'degraded', detail: `last run ${at}: ${outcome}`, ...(before?.lastSyncAt === undefined ? {} : { lastSyncAt: before.lastSyncAt }) };
    // An idle hub runs this every interval with nothing to do: the same outcome is not news.
    const news = before?.status !== this.part.status || outcome !== this.lastOutcome || checked > 0;
    this.lastOutcome = outcome;
    if (news) this.changed();
  }
}
