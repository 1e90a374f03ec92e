import { Controller, Get, Inject, Query, Res, UseGuards } from '@nestjs/common';
import { type Response } from 'express';
import { problem } from '../../plugins/contract/problem';
import { CLOCK, type Clock } from '../clock/clock';
import { DATABASE, type Database } from '../persistence/database';
import { exportCsv } from '../reporting/csv-export';
import { parsePeriod, PeriodError } from '../reporting/period';
import { conversationsTagged } from '../reporting/report-tags';
import { buildReport } from '../reporting/sla-report';
import { RulesStore } from '../rules/rules-store';
import { AdminGuard } from './admin.guard';

/**
 * `GET /api/v1/reports?from=DATE&to=DATE | period=NAME [&timezone=TZ][&format=json|csv][&bom=1]`
 * plus the filters channel, policy, conversation and tag (customer tags from rules.yaml).
 */
@Controller('api/v1/reports')
@UseGuards(AdminGuard)
export class ReportsController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: RulesStore,
  ) {}

  @Get()
  async report(@Query() query: Record<string, string | undefined>, @Res() res: Response): Promise<void> {
    const zone = query.timezone ?? 'UTC';
    if (zone !== 'UTC' && !Intl.supportedValuesOf('timeZone').includes(zone)) {
      throw problem(400, 'Bad Request', `timezone: unknown time zone "${zone}"`, { parameter: 'timezone' });
    }
    const words = query.period ? [query.period] : [query.from, query.to].filter((w): w is string => w !== undefined);
    let period;
    try {
      period = parsePeriod(words, zone, this.clock.now());
    } catch (error) {
      if (error instanceof PeriodError) throw problem(400, 'Bad Request', `period: ${error.message}`, { parameter: query.period ? 'period' : 'from' });
      throw error;
    }
    let conversations: string[] | undefined;
    try {
      conversations = query.tag ? conversationsTagged(this.rules.current.rules, query.tag) : undefined;
    } catch (error) {
      if (error instanceof PeriodError) throw problem(400, 'Bad Request', `tag: ${error.message}`, { parameter: 'tag' });
      throw error;
    }
    const filter = {
      ...(query.channel ? { channel: query.channel } : {}),
      ...(query.policy ? { policy: query.policy } : {}),
      ...(query.conversation ? { conversation: query.conversation } : {}),
      ...(conversations ? { conversations } : {}),
    };
    const format = query.format ?? 'json';
    if (format === 'csv') {
      res.status(200).type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="replywatch-${period.label.replace(/[^\w-]+/g, '_')}.csv"`);
      // Streamed page by page: a quarter of a busy hub never sits in memory at once.
      await exportCsv(this.db, period, filter, zone, (chunk) => new Promise<void>((resolve) => (res.write(chunk) ? resolve() : res.once('drain', resolve))), { bom: query.bom === '1' });
      res.end();
      return;
    }
    if (format !== 'json') throw problem(400, 'Bad Request', 'format: expected json or csv', { parameter: 'format' });
    res.status(200).json({ period: period.label, ...(await buildReport(this.db, period.from, period.to, filter)) });
  }
}
