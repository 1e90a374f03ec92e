import { Controller, Get, Inject, Logger, Query, Res, UseGuards } from '@nestjs/common';
import { type Response } from 'express';
import { plainQuery } from './plain-query';
import { problem } from './problem';
import { CLOCK, type Clock } from '../clock/clock';
import { DATABASE, type Database } from '../persistence/database';
import { parsePeriod, PeriodError } from '../reporting/period';
import { sendReportCsv } from '../reporting/csv-response';
import { reportFilter } from '../reporting/report-filter';
import { reportJson } from '../reporting/report-text';
import { buildReport } from '../reporting/sla-report';
import { RulesStore } from '../rules/rules-store';
import { isTimeZone } from '../sla/calendar.schema';
import { AdminGuard } from './admin.guard';

/**
 * `GET /api/v1/reports?from=DATE&to=DATE | period=NAME [&timezone=TZ][&format=json|csv][&bom=1]`
 * plus the filters channel, policy, conversation and tag (customer tags from rules.yaml). The
 * zone defaults to `reports.timezone` of the rules.
 */
@Controller('api/v1/reports')
@UseGuards(AdminGuard)
export class ReportsController {
  private readonly logger = new Logger('reports');

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: RulesStore,
  ) {}

  @Get()
  async report(@Query() rawQuery: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const query = plainQuery(rawQuery);
    // The same zone as /slastat and the scheduled exports unless the request names one.
    const zone = query.timezone ?? this.rules.current.rules.reports.timezone;
    if (!isTimeZone(zone)) {
      throw problem(400, 'Bad Request', `timezone: unknown time zone "${zone}" (expected an IANA zone such as Europe/Moscow or UTC)`, { parameter: 'timezone' });
    }
    const words = query.period ? [query.period] : [query.from, query.to].filter((w): w is string => w !== undefined);
    let period;
    try {
      period = parsePeriod(words, zone, this.clock.now());
    } catch (error) {
      if (error instanceof PeriodError) throw problem(400, 'Bad Request', `period: ${error.message}`, { parameter: query.period ? 'period' : 'from' });
      throw error;
    }
    let filter;
    try {
      filter = reportFilter(query, () => this.rules.current.rules);
    } catch (error) {
      if (error instanceof PeriodError) throw problem(400, 'Bad Request', `tag: ${error.message}`, { parameter: 'tag' });
      throw error;
    }
    const format = query.format ?? 'json';
    if (format === 'csv') return sendReportCsv(res, this.db, { period, filter, zone, bom: query.bom === '1' }, this.logger);
    if (format !== 'json') throw problem(400, 'Bad Request', 'format: expected json or csv', { parameter: 'format' });
    res.status(200).json(reportJson(period, await buildReport(this.db, period.from, period.to, filter)));
  }
}
