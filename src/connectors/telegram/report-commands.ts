import { Input } from 'telegraf';
import { type Clock } from '../../core/clock/clock';
import { type Database } from '../../core/persistence/database';
import { countInquiries, csvStream } from '../../core/reporting/csv-stream';
import { csvFileName } from '../../core/reporting/report-filter';
import { parsePeriod, PeriodError, type Period } from '../../core/reporting/period';
import { renderReport } from '../../core/reporting/report-text';
import { buildReport } from '../../core/reporting/sla-report';

/**
 * /slastat and /report for managers and leads, where they already are: the figures as text,
 * and the per-inquiry CSV as a document. Only ever answered in duty and private chats.
 */
export class ReportCommands {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** `/slastat [period]`, this month to date by default. */
  async slastat(args: string, zone: string): Promise<string> {
    const period = this.period(args, 'this-month', zone);
    if (typeof period === 'string') return period;
    const report = await buildReport(this.db, period.from, period.to);
    return renderReport(period.label, report);
  }

  /** `/report [period]`, last month by default: a CSV document, or a reason it cannot be made. */
  async csv(args: string, zone: string): Promise<{ file: ReturnType<typeof Input.fromReadableStream>; caption: string } | string> {
    const period = this.period(args, 'last-month', zone);
    if (typeof period === 'string') return period;
    const rows = await countInquiries(this.db, period);
    const name = csvFileName('replywatch', period.label);
    return { file: Input.fromReadableStream(csvStream(this.db, period, {}, zone, { bom: true }), name), caption: `SLA export, ${period.label}: ${rows} inquiries` };
  }

  private period(args: string, fallback: string, zone: string): Period | string {
    const words = args.trim().length > 0 ? args.trim().split(/\s+/) : [fallback];
    try {
      return parsePeriod(words, zone, this.clock.now());
    } catch (error) {
      if (error instanceof PeriodError) return `${error.message}. Examples: /slastat last-month, /slastat 2026-10-01 2026-10-31, /report q3`;
      throw error;
    }
  }
}
