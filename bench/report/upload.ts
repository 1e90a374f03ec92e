import { createReadStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { type ExportUpload, prepareCsvUpload } from '../../src/connectors/telegram/export-upload';
import { SystemClock } from '../../src/core/clock/clock';
import { rulesSchema } from '../../src/core/config/rules.schema';
import { type Database } from '../../src/core/persistence/database';
import { type Period } from '../../src/core/reporting/period';
import { RulesStore } from '../../src/core/rules/rules-store';
import { ConnectorReports } from '../../src/plugins/host/services/report-service';

export type ReadyUpload = Extract<ExportUpload, { ok: true }>;

/** What /report and the scheduled exports run before sending: the CSV spooled to a temp file, gzipped above the limit. */
export function spoolAsTelegram(db: Database, period: Period, zone: string, limitBytes: number): Promise<ExportUpload> {
  // The report service the Telegram connector gets from the hub.
  const reports = new ConnectorReports(db, new SystemClock(), new RulesStore(rulesSchema.parse({ version: 1 })));
  return prepareCsvUpload(reports, { range: period, zone, bom: true, limitBytes });
}

/**
 * Streams the file Telegram would be sent back through `write` as text, gunzipped when it was
 * compressed: the checks then count and parse what would arrive, not what the export meant to write.
 */
export async function readBack(upload: ReadyUpload, write: (chunk: string) => void): Promise<void> {
  const { file } = upload;
  if (!('source' in file) || typeof file.source !== 'string') throw new Error('prepareCsvUpload no longer hands over a local file');
  // A decoder, so a multi-byte character split across chunks is not mangled.
  const decoder = new StringDecoder('utf8');
  await pipeline(createReadStream(file.source), upload.compressed ? createGunzip() : new PassThrough(), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) write(decoder.write(chunk));
    write(decoder.end());
  });
}
