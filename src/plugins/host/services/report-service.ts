import { type HotConversation, type ReportPeriod, type ReportService } from '../../sdk/services';
import { type Clock } from '../../../core/clock/clock';
import { type Database } from '../../../core/persistence/database';
import { exportCsv } from '../../../core/reporting/csv-export';
import { hotConversations } from '../../../core/reporting/hot-conversations';
import { parsePeriod, type Period, PeriodError } from '../../../core/reporting/period';
import { csvFileName } from '../../../core/reporting/report-filter';
import { reportScope } from '../../../core/reporting/report-scope';
import { renderReport } from '../../../core/reporting/report-text';
import { buildReport } from '../../../core/reporting/sla-report';
import { type RulesStore } from '../../../core/rules/rules-store';
import { isTimeZone } from '../../../core/sla/calendar.schema';

/** The reports of the CLI and the admin API, for connectors that answer /slastat and /report. */
export class ConnectorReports implements ReportService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly rules: RulesStore,
  ) {}

  timezone(): string {
    return this.rules.current.rules.reports.timezone;
  }

  /**
   * A last word that names an IANA zone (`last-month Asia/Tokyo`) counts the period's days in
   * that zone instead of the runbook's (no period word is a zone name).
   */
  period(words: readonly string[], fallback: string): ReportPeriod | { error: string } {
    const last = words.at(-1);
    // No period word has a slash: one in the last word means a zone, perhaps misspelled.
    if (last?.includes('/') && !isTimeZone(last)) return { error: `unknown time zone "${last}" (expected an IANA zone such as Europe/Moscow or UTC)` };
    const zoned = last !== undefined && isTimeZone(last);
    const zone = zoned ? last : this.timezone();
    const periodWords = zoned ? words.slice(0, -1) : words;
    try {
      return parsePeriod(periodWords.length > 0 ? periodWords : [fallback], zone, this.clock.now());
    } catch (error) {
      if (error instanceof PeriodError) return { error: error.message };
      throw error;
    }
  }

  async text(period: ReportPeriod): Promise<string> {
    return renderReport(this.zoned(period), await buildReport(this.db, period.from, period.to));
  }

  hotConversations(period: ReportPeriod, limit: number): Promise<HotConversation[]> {
    return hotConversations(this.db, reportScope(period.from, period.to, {}), limit);
  }

  csv(period: ReportPeriod, write: (chunk: string) => Promise<void>, options: { bom?: boolean; timezone?: string } = {}): Promise<number> {
    return exportCsv(this.db, period, {}, options.timezone ?? this.zoned(period).timezone, write, { bom: options.bom ?? true });
  }

  fileName(label: string): string {
    return csvFileName('replywatch', label);
  }

  /** A period made by a plugin itself carries no zone: it is in the runbook's. */
  private zoned(period: ReportPeriod): Period {
    return { ...period, timezone: period.timezone ?? this.timezone() };
  }
}
