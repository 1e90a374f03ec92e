import { pipeline } from 'node:stream/promises';
import { type Logger } from '@nestjs/common';
import { type Response } from 'express';
import { type Database } from '../persistence/database';
import { csvStream } from './csv-stream';
import { type Period } from './period';
import { csvFileName } from './report-filter';
import { type ReportFilter } from './sla-report';

/**
 * The report CSV as an HTTP download, for the admin API and the console alike: the file name
 * of the period, its zone in a header, streamed page by page (a quarter of a busy hub never
 * sits in memory at once, and a client that hangs up stops the export).
 */
export async function sendReportCsv(res: Response, db: Database, report: { period: Period; filter: ReportFilter; zone: string; bom?: boolean }, logger: Logger): Promise<void> {
  res
    .status(200)
    .type('text/csv; charset=utf-8')
    .setHeader('Content-Disposition', `attachment; filename="${csvFileName('replywatch', report.period.label)}"`)
    .setHeader('X-Replywatch-Timezone', report.zone)
    .setHeader('X-Content-Type-Options', 'nosniff')
    .setHeader('Cache-Control', 'no-store');
  await pipeline(csvStream(db, report.period, report.filter, report.zone, { bom: report.bom ?? false }), res).catch((error: unknown) => {
    logger.warn(`CSV report not completed: ${error instanceof Error ? error.message : String(error)}`);
  });
}
