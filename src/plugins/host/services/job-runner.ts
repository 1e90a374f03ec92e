import { randomUUID } from 'node:crypto';
import { type ConnectorLogger, type ScheduledJob, type ScheduleOptions } from '../../sdk/services';
import { type Clock } from '../../../core/clock/clock';
import { type Database } from '../../../core/persistence/database';
import { asConnectorError } from '../../sdk/connector-error';
import { describeError } from './backoff';

/** A run that takes longer than this (or whose replica died) may be claimed again. */
const RUN_LEASE_MS = 10 * 60_000;
const ERROR_TEXT_LIMIT = 1000;

/**
 * One periodic job of a connector (see SchedulerService). Every replica runs this loop; a due
 * run is claimed by one of them with a ticket in `connector_jobs`, so it happens once, and the
 * next due time is set when the run ends.
 */
export class JobRunner implements ScheduledJob {
  private readonly stopping = new AbortController();
  private readonly done: Promise<void>;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly logger: ConnectorLogger,
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: (signal: AbortSignal) => Promise<void>,
    private readonly options: ScheduleOptions = {},
  ) {
    if (!(intervalMs >= 1000)) throw new Error(`job ${name}: the interval must be at least 1 s`);
    this.done = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.done;
  }

  private async loop(): Promise<void> {
    try {
      await this.register();
    } catch (error) {
      this.logger.error(`job ${this.name}: cannot be registered (${describeError(error)}); it will not run`);
      return;
    }
    while (!this.stopping.signal.aborted) {
      let waitMs = this.intervalMs;
      try {
        waitMs = await this.runIfDue();
      } catch (error) {
        this.logger.warn(`job ${this.name}: ${describeError(error)}`);
      }
      await this.clock.sleep(Math.max(100, waitMs), this.stopping.signal);
    }
  }

  private async register(): Promise<void> {
    const first = new Date(this.clock.now() + (this.options.initialDelayMs ?? 0));
    await this.db.query(`INSERT INTO connector_jobs (name, next_run_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [this.name, first]);
  }

  /** Runs the job if it is due and this replica wins it; returns how long until it is due next. */
  private async runIfDue(): Promise<number> {
    const now = this.clock.now();
    const ticket = randomUUID();
    const [claimed] = await this.db.query<{ next_run_at: Date }>(
      `UPDATE connector_jobs SET ticket = $2, lease_until = $3
       WHERE name = $1 AND next_run_at <= $4 AND (ticket IS NULL OR lease_until <= $4) RETURNING next_run_at`,
      [this.name, ticket, new Date(now + RUN_LEASE_MS), new Date(now)],
    );
    if (!claimed) return this.untilDue();
    let failure: string | null = null;
    let waitMs = this.intervalMs;
    try {
      await this.work(this.stopping.signal);
    } catch (error) {
      failure = describeError(error).slice(0, ERROR_TEXT_LIMIT);
      // A peer that asked for a longer pause (Retry-After) gets it.
      waitMs = Math.max(this.intervalMs, asConnectorError(error).retryAfterMs ?? 0);
      this.logger.warn(`job ${this.name} failed (${failure}); it runs again in ${Math.round(waitMs / 1000)} s`);
    }
    const finished = this.clock.now();
    await this.db.query(`UPDATE connector_jobs SET ticket = NULL, lease_until = NULL, last_run_at = $3, last_error = $4, next_run_at = $5 WHERE name = $1 AND ticket = $2`, [
      this.name,
      ticket,
      new Date(finished),
      failure,
      new Date(finished + waitMs),
    ]);
    return waitMs;
  }

  private async untilDue(): Promise<number> {
    const [row] = await this.db.query<{ next_run_at: Date }>(`SELECT next_run_at FROM connector_jobs WHERE name = $1`, [this.name]);
    return row ? new Date(row.next_run_at).getTime() - this.clock.now() : this.intervalMs;
  }
}
