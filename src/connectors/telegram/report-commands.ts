import { type Clock } from '../../core/clock/clock';
import { type Database } from '../../core/persistence/database';
import { parsePeriod, PeriodError, type Period } from '../../core/reporting/period';
import { hotConversations, type HotConversation } from '../../core/reporting/hot-conversations';
import { renderReport } from '../../core/reporting/report-text';
import { reportScope } from '../../core/reporting/report-scope';
import { compressionNote, prepareCsvUpload, type UploadFile } from './export-upload';
import { buildReport } from '../../core/reporting/sla-report';

/**
 * /slastat and /report for managers and leads, where they already are: the figures as text,
 * and the per-inquiry CSV as a document. Only ever answered in duty and private chats.
 */
export class ReportCommands {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly maxUploadBytes: number,
  ) {}

  /** `/slastat [period]`, this month to date by default. */
  async slastat(args: string, zone: string): Promise<string> {
    const period = this.period(args, 'this-month', zone);
    if (typeof period === 'string') return period;
    const report = await buildReport(this.db, period.from, period.to);
    return renderReport(period.label, report);
  }

  /** For /hot: this month's conversations with breaches, from the same source as the reports. */
  async breachedThisMonth(zone: string, limit = 5): Promise<HotConversation[]> {
    const period = parsePeriod(['this-month'], zone, this.clock.now());
    const hot = await hotConversations(this.db, reportScope(period.from, period.to, {}), limit);
    return hot.filter((h) => h.breaches > 0);
  }

  /**
   * `/report [period]`, last month by default: a CSV document (gzipped when it is above the
   * upload limit), or a reason it cannot be made. The caller sends it, then disposes of it.
   */
  async csv(args: string, zone: string): Promise<{ file: UploadFile; caption: string; dispose: () => Promise<void> } | string> {
    const period = this.period(args, 'last-month', zone);
    if (typeof period === 'string') return period;
    const upload = await prepareCsvUpload(this.db, { range: period, label: period.label, zone, bom: true, limitBytes: this.maxUploadBytes });
    if (!upload.ok) return `No file for ${period.label}: ${upload.reason}.`;
    return { file: upload.file, caption: `SLA export, ${period.label}: ${upload.rows} inquiries${compressionNote(upload)}`, dispose: upload.dispose };
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
