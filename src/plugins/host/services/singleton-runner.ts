import { randomUUID } from 'node:crypto';
import { type ConnectorLogger, type SingletonHandle, type SingletonOptions } from '../../sdk/services';
import { type Clock } from '../../../core/clock/clock';
import { type Database } from '../../../core/persistence/database';
import { describeError, retryDelay } from './backoff';

const DEFAULT_LEASE_MS = 15_000;

/**
 * One connector's singleton work (see SingletonService): a lease row in `connector_leases`
 * claimed with a ticket, renewed at a third of its length, taken over by another replica only
 * once it has expired. Losing the lease (another holder, no database) aborts the work's signal.
 */
export class SingletonRunner implements SingletonHandle {
  private readonly ticket = randomUUID();
  private readonly stopping = new AbortController();
  private readonly leaseMs: number;
  private readonly done: Promise<void>;
  private holding = false;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly logger: ConnectorLogger,
    private readonly name: string,
    private readonly holder: string,
    private readonly work: (signal: AbortSignal) => Promise<void>,
    options: SingletonOptions = {},
  ) {
    this.leaseMs = Math.max(1000, options.leaseMs ?? DEFAULT_LEASE_MS);
    this.done = this.compete();
  }

  get held(): boolean {
    return this.holding;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.done;
  }

  /** Try for the lease until stopped; while held, run the work and renew. */
  private async compete(): Promise<void> {
    let announcedStandby = false;
    while (!this.stopping.signal.aborted) {
      let acquired = false;
      try {
        acquired = await this.acquire();
      } catch (error) {
        this.logger.warn(`singleton ${this.name}: cannot reach the database to claim the lease (${describeError(error)})`);
      }
      if (acquired) {
        announcedStandby = false;
        this.logger.info(`singleton ${this.name}: this replica holds the lease`);
        await this.hold();
        continue;
      }
      if (!announcedStandby) this.logger.info(`singleton ${this.name}: standing by; another replica holds the lease`);
      announcedStandby = true;
      await this.clock.sleep(this.leaseMs / 3, this.stopping.signal);
    }
  }

  /** Runs the work under the lease until the lease is lost or the runner stops. */
  private async hold(): Promise<void> {
    this.holding = true;
    const lost = new AbortController();
    const stopWatching = () => lost.abort();
    // A stop that came while the lease was being claimed counts too.
    if (this.stopping.signal.aborted) lost.abort();
    else this.stopping.signal.addEventListener('abort', stopWatching, { once: true });
    const renewing = this.renewWhileHeld(lost);
    try {
      await this.runWork(lost.signal);
    } finally {
      lost.abort();
      await renewing;
      this.stopping.signal.removeEventListener('abort', stopWatching);
      this.holding = false;
      await this.release().catch(() => undefined);
    }
  }

  private async runWork(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      const startedAt = this.clock.now();
      try {
        await this.work(signal);
        failures = 0;
        // Give I/O a turn even if the work came back at once.
        await new Promise((resolve) => setImmediate(resolve));
      } catch (error) {
        if (signal.aborted) return;
        // A long healthy run before the failure starts the backoff afresh.
        failures = this.clock.now() - startedAt > 60_000 ? 1 : failures + 1;
        const wait = retryDelay(error, failures);
        this.logger.warn(`singleton ${this.name} failed (${describeError(error)}); running it again in ${Math.round(wait / 1000)} s`);
        await this.clock.sleep(wait, signal);
      }
    }
  }

  private async renewWhileHeld(lost: AbortController): Promise<void> {
    // No other process can open the embedded database, and a restart takes a stale lease over
    // (see acquire): renewing would only write a row every few seconds for nothing.
    if (this.db.backend === 'pglite') {
      await new Promise<void>((resolve) => (lost.signal.aborted ? resolve() : lost.signal.addEventListener('abort', () => resolve(), { once: true })));
      return;
    }
    while (!lost.signal.aborted) {
      await this.clock.sleep(this.leaseMs / 3, lost.signal);
      if (lost.signal.aborted) return;
      let renewed = false;
      try {
        renewed = await this.renew();
      } catch (error) {
        this.logger.warn(`singleton ${this.name}: could not renew the lease (${describeError(error)})`);
      }
      if (!renewed) {
        this.logger.warn(`singleton ${this.name}: lost the lease; stopping the work here`);
        lost.abort();
      }
    }
  }

  private async acquire(): Promise<boolean> {
    const now = this.clock.now();
    // The embedded database belongs to one process (the data-directory lock): a lease left
    // by a process that was killed is this installation's own and is taken over at once.
    const takeOver = this.db.backend === 'pglite';
    const rows = await this.db.query(
      `INSERT INTO connector_leases (name, holder, ticket, acquired_at, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, ticket = EXCLUDED.ticket, acquired_at = EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at
       WHERE connector_leases.expires_at <= $4 OR connector_leases.ticket = EXCLUDED.ticket OR $6
       RETURNING name`,
      [this.name, this.holder, this.ticket, new Date(now), new Date(now + this.leaseMs), takeOver],
    );
    return rows.length === 1;
  }

  private async renew(): Promise<boolean> {
    const rows = await this.db.query(`UPDATE connector_leases SET expires_at = $3 WHERE name = $1 AND ticket = $2 RETURNING name`, [
      this.name,
      this.ticket,
      new Date(this.clock.now() + this.leaseMs),
    ]);
    return rows.length === 1;
  }

  /** Hands the lease back so another replica need not wait for it to expire. */
  private async release(): Promise<void> {
    await this.db.query(`DELETE FROM connector_leases WHERE name = $1 AND ticket = $2`, [this.name, this.ticket]);
  }
}
