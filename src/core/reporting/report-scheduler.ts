import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { CronTime } from 'cron';
import { type Clock } from '../clock/clock';
import { WakeableLoop } from '../clock/wakeable-loop';
import { type Rules } from '../config/rules.schema';
import { reportExport, toDutyTargets } from '../outbox/payload-builder';
import { enqueueDeliveries, type NewDelivery } from '../outbox/outbox-writer';
import { type Database } from '../persistence/database';
import { exportCsv } from './csv-export';
import { parsePeriod, type Period, zonedIso } from './period';
import { csvFileName } from './report-filter';
import { renderReport } from './report-text';
import { type ReportsSettings } from './report-schedule.schema';
import { buildReport } from './sla-report';

type Job = (ReportsSettings['exports'][number] & { kind: 'export' }) | (ReportsSettings['digests'][number] & { kind: 'digest'; bom?: undefined; directory?: undefined });

const IDLE_MS = 3_600_000;
/** Catching up after downtime runs only the latest missed run; this bounds the search for it. */
const MAX_MISSED = 10_000;

/**
 * Runs the scheduled exports and digests of rules.yaml on the injected clock (so tests and
 * simulations drive it), each run exactly once across replicas and restarts: a run is a row
 * keyed by job and fire time, and only the replica that inserts it does the work. After
 * downtime the latest missed run happens late, once. @nestjs/schedule's CronJob runs on real
 * timers, so its cron engine (the `cron` package) computes fire times and this loop waits.
 */
export class ReportScheduler {
  private readonly logger = new Logger('reports');
  private readonly loop: WakeableLoop;
  private readonly startedAt: number;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly rules: () => Rules,
    private readonly wakeOutbox: () => void,
  ) {
    this.startedAt = clock.now();
    this.loop = new WakeableLoop(clock, () => this.pass(), (error) => this.logger.error(`scheduled reports: ${String(error)}`), 60_000);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** After a rules reload: schedules may have changed. */
  wake(): void {
    this.loop.wake();
  }

  private async pass(): Promise<number> {
    const { reports } = this.rules();
    const jobs: Job[] = [...reports.exports.map((e) => ({ ...e, kind: 'export' as const })), ...reports.digests.map((d) => ({ ...d, kind: 'digest' as const }))];
    const now = this.clock.now();
    let sleep = IDLE_MS;
    for (const job of jobs) {
      const due = await this.dueRun(job, reports.timezone, now);
      if (due.latestMissed !== undefined) await this.run(job, reports.timezone, due.latestMissed);
      sleep = Math.min(sleep, due.next - now);
    }
    return Math.max(0, sleep);
  }

  private async dueRun(job: Job, zone: string, now: number): Promise<{ latestMissed?: number; next: number }> {
    const [row] = await this.db.query<{ last: Date | null }>(`SELECT max(fire_at) AS last FROM report_runs WHERE job = $1`, [job.name]);
    const time = new CronTime(job.schedule, zone);
    let cursor = row?.last ? new Date(row.last).getTime() : this.startedAt;
    let latestMissed: number | undefined;
    for (let i = 0; i < MAX_MISSED; i++) {
      const next = time.getNextDateFrom(new Date(cursor), zone).toMillis();
      if (next > now) return latestMissed === undefined ? { next } : { latestMissed, next };
      latestMissed = next;
      cursor = next;
    }
    return latestMissed === undefined ? { next: now + IDLE_MS } : { latestMissed, next: now + IDLE_MS };
  }

  private async run(job: Job, zone: string, fireAt: number): Promise<void> {
    const period = parsePeriod([job.period], zone, fireAt);
    const now = new Date(this.clock.now());
    const digest = job.kind === 'digest' ? renderReport(period, await buildReport(this.db, period.from, period.to)) : undefined;
    const claimed = await this.db.transaction(async (sql) => {
      const rows = await sql.query(`INSERT INTO report_runs (job, fire_at, ran_at, label) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING job`, [
        job.name,
        new Date(fireAt),
        now,
        period.label,
      ]);
      if (rows.length === 0) return false;
      await enqueueDeliveries(sql, this.deliveries(job, zone, fireAt, period, digest), now);
      return true;
    });
    if (!claimed) return;
    const late = now.getTime() - fireAt > 60_000 ? ` (${Math.round((now.getTime() - fireAt) / 60_000)} min late, after downtime)` : '';
    this.logger.log(`${job.kind} "${job.name}" for ${period.label} is going out${late}`);
    if (job.sendTo.length > 0) this.wakeOutbox();
    if (job.kind === 'export' && job.directory) await this.writeFile(job.name, job.directory, period, zone, job.bom);
  }

  private deliveries(job: Job, zone: string, fireAt: number, period: Period, digest: string | undefined): NewDelivery[] {
    const payload =
      digest !== undefined
        ? ({ event: 'report.digest', text: digest } as const)
        : reportExport({ job: job.name, label: period.label, from: zonedIso(period.from, zone), to: zonedIso(period.to, zone), timezone: zone, bom: job.bom ?? true, text: `📊 SLA export "${job.name}", ${period.label} (${zone})` });
    return toDutyTargets(this.rules(), job.sendTo, { key: (name) => `report:${job.name}:${new Date(fireAt).toISOString()}:${name}`, payload });
  }

  /** Written beside the final name and renamed, so a reader never sees half a file. */
  private async writeFile(jobName: string, directory: string, period: Period, zone: string, bom: boolean): Promise<void> {
    await mkdir(directory, { recursive: true });
    const file = path.join(directory, csvFileName(jobName, period.label));
    const partial = `${file}.partial`;
    const out = createWriteStream(partial);
    const write = (chunk: string) => new Promise<void>((resolve, reject) => out.write(chunk, (error) => (error ? reject(error) : resolve())));
    const rows = await exportCsv(this.db, period, {}, zone, write, { bom });
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    await rename(partial, file);
    this.logger.log(`wrote ${rows} inquiries to ${file}`);
  }
}
