import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { type Clock } from '../clock/clock';
import { WakeableLoop } from '../clock/wakeable-loop';
import { type Database, type Sql } from '../persistence/database';
import { type Rules } from '../config/rules.schema';
import { firePoint, type FiredMark } from './fire-point';
import { planMarks, slaPoints } from './mark-planner';
import { StormGuard } from './storm-guard';
import { type SlaCatalog } from './sla-catalog';

export type { FiredMark };

const LOCKED_BY_OTHERS_BACKOFF_MS = 100;

interface DueRow {
  id: string;
  opened_at: Date;
  due_at: Date;
  policy: string;
  next_mark: number;
  paused_business_ms: number;
  channel: string;
  external_id: string;
  title: string | null;
  opening_message_id: string | null;
  opening_link: string | null;
}

/**
 * Fires SLA marks from the schedule kept in the database (`inquiries.next_attention_at`).
 * One loop per process sleeps until the earliest due instant; due inquiries are claimed with
 * SKIP LOCKED, and the mark's deliveries, its event and the next due instant are written in
 * one transaction — so a mark fires once across restarts and replicas.
 */
export class SlaScheduler {
  private readonly logger = new Logger('sla');
  readonly schedulerId = `sla-${randomUUID().slice(0, 8)}`;
  private readonly loop: WakeableLoop;
  /** When the loop's current sleep ends (epoch ms); null during a pass. */
  private sleepingUntil: number | null = null;
  /** Called after commit for each fired mark (metrics, outbox wake-up). */
  onFired: (mark: FiredMark) => void = () => undefined;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly current: () => { rules: Rules; sla: SlaCatalog },
    private readonly settings: { batchSize: number; pollInterval: number } = { batchSize: 100, pollInterval: 1000 },
  ) {
    const report = (error: unknown) => this.logger.error(`SLA pass failed: ${error instanceof Error ? error.message : String(error)}`);
    this.loop = new WakeableLoop(clock, () => this.pass(), report, settings.pollInterval);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Something changed the schedule in this process (a command on an inquiry): look again now. */
  wake(): void {
    this.loop.wake();
  }

  /**
   * An inquiry now needs attention at `at` (epoch ms): look again only if that is before the
   * current sleep ends. Under load intake commits many times a second, nearly always for
   * instants far ahead; a pass per commit would only compete with intake for the database.
   */
  wakeIfBefore(at: number): void {
    if (this.sleepingUntil === null || at < this.sleepingUntil) this.loop.wake();
  }

  /** Fires every mark due at the clock's now; returns what was fired. */
  async runOnce(): Promise<FiredMark[]> {
    const fired: FiredMark[] = [];
    for (;;) {
      const batch = await this.db.transaction((sql) => this.fireDue(sql, new Date(this.clock.now())));
      fired.push(...batch.fired);
      for (const mark of batch.fired) this.onFired(mark);
      if (batch.claimed < this.settings.batchSize) return fired;
    }
  }

  /** One pass of the loop: fire what is due, then sleep until the next due instant. */
  private async pass(): Promise<number> {
    // Unknown while the pass runs: a schedule change now wakes the loop as before.
    this.sleepingUntil = null;
    const idle = await this.planPass();
    this.sleepingUntil = this.clock.now() + idle;
    return idle;
  }

  private async planPass(): Promise<number> {
    const passAt = this.clock.now();
    // Most passes find nothing due; the earliest instant alone says so without locking rows.
    const dueAt = await this.nextDueAt();
    if (dueAt === null || dueAt > passAt) return this.sleepUntil(dueAt);
    const fired = await this.runOnce();
    const next = await this.nextDueAt();
    // Already due when this pass looked, yet nothing was fired: another replica holds those
    // rows. Back off briefly instead of spinning on them.
    if (next !== null && next <= passAt && fired.length === 0) return LOCKED_BY_OTHERS_BACKOFF_MS;
    return this.sleepUntil(next);
  }

  /** How long to sleep before `at` (epoch ms), never past the poll interval. */
  private sleepUntil(at: number | null): number {
    if (at === null) return this.settings.pollInterval;
    return Math.max(0, Math.min(this.settings.pollInterval, at - this.clock.now()));
  }

  /** The earliest instant an open inquiry needs attention, if any. */
  private async nextDueAt(): Promise<number | null> {
    // Only open inquiries can be fired; counting others could spin the loop on a stale instant.
    const [row] = await this.db.query<{ at: Date | null }>(
      `SELECT min(next_attention_at) AS at FROM inquiries WHERE next_attention_at IS NOT NULL AND status = 'open'`,
    );
    // Other replicas add inquiries too, which is why the caller never sleeps past the poll interval.
    return row?.at ? new Date(row.at).getTime() : null;
  }

  private async fireDue(sql: Sql, now: Date): Promise<{ claimed: number; fired: FiredMark[] }> {
    const rows = await sql.query<DueRow>(
      `SELECT i.id, i.opened_at, i.due_at, i.policy, i.next_mark, i.paused_business_ms, c.channel, c.external_id, c.title,
         (SELECT m.external_id FROM messages m WHERE m.id = i.first_message_id) AS opening_message_id,
         (SELECT m.link FROM messages m WHERE m.id = i.first_message_id) AS opening_link
       FROM inquiries i JOIN conversations c ON c.id = i.conversation_id
       WHERE i.next_attention_at <= $1 AND i.status = 'open'
       ORDER BY i.next_attention_at LIMIT $2
       FOR UPDATE OF i SKIP LOCKED`,
      [now, this.settings.batchSize],
    );
    const { rules, sla } = this.current();
    const fired: FiredMark[] = [];
    const storm = new StormGuard(sql, rules.duty.stormLimitPerMinute, now);
    for (const row of rows) {
      const policy = rules.policies.find((p) => p.name === row.policy);
      if (!policy) {
        // The policy was removed from the runbook: stop scheduling rather than guess.
        await sql.query(`UPDATE inquiries SET next_attention_at = NULL WHERE id = $1`, [row.id]);
        continue;
      }
      const opened = new Date(row.opened_at).getTime();
      const decision = planMarks(policy, sla.calendar(policy.calendar), opened, row.next_mark, now.getTime(), Number(row.paused_business_ms));
      await sql.query(`UPDATE inquiries SET next_mark = $2, next_attention_at = $3, updated_at = $4 WHERE id = $1`, [
        row.id,
        decision.nextMark,
        decision.nextAttentionAt === null ? null : new Date(decision.nextAttentionAt),
        now,
      ]);
      if (!decision.fire) continue;
      const point = slaPoints(policy)[decision.fire.index];
      if (point) fired.push(await firePoint(sql, row, policy, rules, point, decision.fire, now, storm));
    }
    await storm.flush();
    return { claimed: rows.length, fired };
  }
}
