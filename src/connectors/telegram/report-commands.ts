import { type HotConversation, type ReportPeriod, type ReportService } from 'replywatch/sdk';
import { compressionNote, prepareCsvUpload, type UploadFile } from './export-upload';

/**
 * /slastat and /report for managers and leads, where they already are: the figures as text,
 * and the per-inquiry CSV as a document. Only ever answered in duty and private chats.
 */
export class ReportCommands {
  constructor(
    private readonly reports: ReportService,
    private readonly maxUploadBytes: number,
  ) {}

  /** `/slastat [period] [zone]`, this month to date in `reports.timezone` by default. */
  async slastat(args: string): Promise<string> {
    const period = this.period(args, 'this-month');
    if (typeof period === 'string') return period;
    return this.reports.text(period);
  }

  /** For /hot: this month's conversations with breaches, from the same source as the reports. */
  async breachedThisMonth(limit = 5): Promise<HotConversation[]> {
    const period = this.reports.period([], 'this-month');
    if ('error' in period) return [];
    const hot = await this.reports.hotConversations(period, limit);
    return hot.filter((h) => h.breaches > 0);
  }

  /**
   * `/report [period]`, last month by default: a CSV document (gzipped when it is above the
   * upload limit), or a reason it cannot be made. The caller sends it, then disposes of it.
   */
  async csv(args: string): Promise<{ file: UploadFile; caption: string; dispose: () => Promise<void> } | string> {
    const period = this.period(args, 'last-month');
    if (typeof period === 'string') return period;
    const zone = period.timezone ?? this.reports.timezone();
    const upload = await prepareCsvUpload(this.reports, { range: period, zone, bom: true, limitBytes: this.maxUploadBytes });
    if (!upload.ok) return `No file for ${period.label}: ${upload.reason}.`;
    return { file: upload.file, caption: `SLA export, ${period.label} (${zone}): ${upload.rows} inquiries${compressionNote(upload)}`, dispose: upload.dispose };
  }

  private period(args: string, fallback: string): ReportPeriod | string {
    const words = args.trim().length > 0 ? args.trim().split(/\s+/) : [];
    const period = this.reports.period(words, fallback);
    if ('error' in period) return `${period.error}. Examples: /slastat last-month, /slastat 2026-10-01 2026-10-31, /report q3, /slastat last-month Europe/Berlin`;
    return period;
  }
}
