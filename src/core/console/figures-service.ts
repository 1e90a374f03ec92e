import { Inject, Injectable, type Logger } from '@nestjs/common';
import { type Request, type Response } from 'express';
import { CLOCK, type Clock } from '../clock/clock';
import { DATABASE, type Database } from '../persistence/database';
import { sendReportCsv } from '../reporting/csv-response';
import { parsePeriod, type Period, PeriodError } from '../reporting/period';
import { reportScope } from '../reporting/report-scope';
import { breachesPerDay, frtHistogram } from '../reporting/report-series';
import { reportJson } from '../reporting/report-text';
import { buildReport, type ReportFilter } from '../reporting/sla-report';
import { RulesStore } from '../rules/rules-store';
import { queryParam } from './form-body';
import { type FiguresModel, type FiguresQuery, NAMED_PERIODS } from './pages/figures.page';

/** The period /slastat shows when none is named. */
const DEFAULT_PERIOD = 'this-month';

type Asked = { ok: true; query: FiguresQuery; period: Period; filter: ReportFilter } | { ok: false; query: FiguresQuery; error: string };

/**
 * The figures page's numbers: the same report, period words and zone (`reports.timezone`) as
 * /slastat and GET /api/v1/reports, plus breaches per day and the first-response histogram.
 */
@Injectable()
export class FiguresService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: RulesStore,
  ) {}

  async model(req: Request): Promise<FiguresModel> {
    const asked = this.ask(req);
    const choices = await this.choices(asked.query);
    if (!asked.ok) return { query: asked.query, choices, error: asked.error };
    const { period, filter } = asked;
    const scope = reportScope(period.from, period.to, filter);
    const [report, days, bins] = await Promise.all([buildReport(this.db, period.from, period.to, filter), breachesPerDay(this.db, scope, period), frtHistogram(this.db, scope)]);
    return { query: asked.query, choices, figures: { report: reportJson(period, report), days, bins } };
  }

  /** Sends the CSV export of the API and the CLI for the asked period and filter, or says why not. */
  async sendCsv(req: Request, res: Response, logger: Logger): Promise<{ error: string } | undefined> {
    const asked = this.ask(req);
    if (!asked.ok) return { error: asked.error };
    await sendReportCsv(res, this.db, { period: asked.period, filter: asked.filter, zone: asked.period.timezone }, logger);
    return undefined;
  }

  private ask(req: Request): Asked {
    const named = queryParam(req, 'period', 40);
    const from = queryParam(req, 'from', 20);
    const to = queryParam(req, 'to', 20);
    const channel = queryParam(req, 'channel', 100);
    const policy = queryParam(req, 'policy', 100);
    const dates = !named && (from !== undefined || to !== undefined);
    const query: FiguresQuery = {
      ...(dates ? { from: from ?? '', to: to ?? '' } : { period: named ?? DEFAULT_PERIOD }),
      ...(channel ? { channel } : {}),
      ...(policy ? { policy } : {}),
    };
    const words = query.period !== undefined ? [query.period] : [query.from ?? '', query.to ?? ''];
    try {
      const period = parsePeriod(words, this.rules.current.rules.reports.timezone, this.clock.now());
      return { ok: true, query, period, filter: { ...(channel ? { channel } : {}), ...(policy ? { policy } : {}) } };
    } catch (error) {
      if (error instanceof PeriodError) return { ok: false, query, error: error.message };
      throw error;
    }
  }

  /** Periods, channels and policies to choose from; an asked one stays listed even when unknown. */
  private async choices(query: FiguresQuery): Promise<FiguresModel['choices']> {
    const channels = (await this.db.query<{ channel: string }>(`SELECT DISTINCT channel FROM conversations ORDER BY channel`)).map((r) => r.channel);
    const policies = this.rules.current.rules.policies.map((p) => p.name);
    const also = (list: string[], value: string | undefined) => (value && !list.includes(value) ? [...list, value] : list);
    return { periods: NAMED_PERIODS, channels: also(channels, query.channel), policies: also(policies, query.policy) };
  }
}
