import { type HotConversation, type ReportPeriod, type ReportService } from '../../sdk/services';
import { type Clock } from '../../../core/clock/clock';
import { type Database } from '../../../core/persistence/database';
import { exportCsv } from '../../../core/reporting/csv-export';
import { hotConversations } from '../../../core/reporting/hot-conversations';
import { parsePeriod, PeriodError } from '../../../core/reporting/period';
import { csvFileName } from '../../../core/reporting/report-filter';
import { reportScope } from '../../../core/reporting/report-scope';
import { renderReport } from '../../../core/reporting/report-text';
import { buildReport } from '../../../core/reporting/sla-report';
import { type RulesStore } from '../../../core/rules/rules-store';

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

  period(words: readonly string[], fallback: string): ReportPeriod | { error: string } {
    try {
      return parsePeriod(words.length > 0 ? words : [fallback], this.timezone(), this.clock.now());
    } catch (error) {
      if (error instanceof PeriodError) return { error: error.message };
      throw error;
    }
  }

  async text(period: ReportPeriod): Promise<string> {
    return renderReport(period.label, await buildReport(this.db, period.from, period.to));
  }

  hotConversations(period: ReportPeriod, limit: number): Promise<HotConversation[]> {
    return hotConversations(this.db, reportScope(period.from, period.to, {}), limit);
  }

  csv(period: ReportPeriod, write: (chunk: string) => Promise<void>, options: { bom?: boolean; timezone?: string } = {}): Promise<number> {
    return exportCsv(this.db, period, {}, options.timezone ?? this.timezone(), write, { bom: options.bom ?? true });
  }

  fileName(label: string): string {
    return csvFileName('replywatch', label);
  }
}
