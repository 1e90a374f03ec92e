import { PassThrough, type Readable } from 'node:stream';
import { type Database } from '../persistence/database';
import { exportCsv } from './csv-export';
import { type ReportFilter } from './sla-report';

/**
 * The CSV export as a readable stream, for uploads: pages are written as the reader takes
 * them (backpressure), so a quarter of a large hub never sits in memory. A database error
 * destroys the stream, which fails the upload instead of sending a truncated file.
 */
export function csvStream(db: Database, range: { from: Date; to: Date }, filter: ReportFilter, zone: string, options: { bom?: boolean } = {}): Readable {
  const stream = new PassThrough();
  const write = (chunk: string) =>
    new Promise<void>((resolve, reject) => {
      if (stream.destroyed) return reject(new Error('the reader went away'));
      if (stream.write(chunk)) return resolve();
      // An upload that failed early never reads on: stop exporting rather than wait forever.
      const onClose = () => reject(new Error('the reader went away'));
      stream.once('close', onClose);
      stream.once('drain', () => {
        stream.off('close', onClose);
        resolve();
      });
    });
  exportCsv(db, range, filter, zone, write, options).then(
    () => stream.end(),
    (error: unknown) => {
      if (!stream.destroyed) stream.destroy(error instanceof Error ? error : new Error(String(error)));
    },
  );
  return stream;
}
