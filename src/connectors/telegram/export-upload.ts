import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { type ReportService } from 'replywatch/sdk';
import { Input } from 'telegraf';

/** Telegram's cap on a file a bot uploads through the public Bot API. */
export const BOT_API_UPLOAD_LIMIT = 50_000_000;

export type UploadFile = ReturnType<typeof Input.fromLocalFile>;

export interface CsvUploadRequest {
  /** The period; its label names the file (`replywatch-2026-Q4.csv`). */
  range: { from: Date; to: Date; label: string };
  zone: string;
  bom: boolean;
  limitBytes: number;
}

/** `rows` is what the file holds, counted as it was written. */
export type ExportUpload =
  | { ok: true; file: UploadFile; name: string; rows: number; bytes: number; csvBytes: number; compressed: boolean; dispose: () => Promise<void> }
  | { ok: false; rows: number; csvBytes: number; gzipBytes: number; reason: string };

/**
 * Exports a period's CSV into a temporary file so its size is known before the upload: a file
 * up to the limit goes as it is, a larger one gzipped (CSV shrinks several times), and one
 * still too large is refused with a reason rather than sent to fail at Telegram. Memory stays
 * flat: the export pages to disk and the upload streams from it. The caller disposes the file.
 */
export async function prepareCsvUpload(reports: ReportService, request: CsvUploadRequest): Promise<ExportUpload> {
  const dir = await mkdtemp(path.join(tmpdir(), 'replywatch-export-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const name = reports.fileName(request.range.label);
    const csvPath = path.join(dir, name);
    const rows = await spool(reports, request, csvPath);
    const csvBytes = (await stat(csvPath)).size;
    const { limitBytes } = request;
    if (csvBytes <= limitBytes) return { ok: true, file: Input.fromLocalFile(csvPath, name), name, rows, bytes: csvBytes, csvBytes, compressed: false, dispose };
    const gzipName = `${name}.gz`;
    const gzipPath = path.join(dir, gzipName);
    await pipeline(createReadStream(csvPath), createGzip(), createWriteStream(gzipPath));
    const gzipBytes = (await stat(gzipPath)).size;
    if (gzipBytes <= limitBytes) return { ok: true, file: Input.fromLocalFile(gzipPath, gzipName), name: gzipName, rows, bytes: gzipBytes, csvBytes, compressed: true, dispose };
    await dispose();
    return {
      ok: false,
      rows,
      csvBytes,
      gzipBytes,
      reason: `the export is ${megabytes(csvBytes)} (${megabytes(gzipBytes)} gzipped), above the ${megabytes(limitBytes)} a bot may upload; use a shorter period, the directory export (reports.exports[].directory) or GET /api/v1/reports?format=csv`,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Writes the export to `file`, waiting on the disk between pages; returns the rows written. */
async function spool(reports: ReportService, request: CsvUploadRequest, file: string): Promise<number> {
  const out = createWriteStream(file);
  const closed = new Promise<void>((resolve, reject) => out.once('close', resolve).once('error', reject));
  try {
    const write = (chunk: string) => new Promise<void>((resolve, reject) => out.write(chunk, (error) => (error ? reject(error) : resolve())));
    const rows = await reports.csv(request.range, write, { bom: request.bom, timezone: request.zone });
    out.end();
    await closed;
    return rows;
  } catch (error) {
    out.destroy();
    await closed.catch(() => undefined);
    throw error;
  }
}

/** How the caption says a file was compressed to fit. */
export function compressionNote(upload: { compressed: boolean; csvBytes: number }): string {
  return upload.compressed ? ` (gzipped: the CSV is ${megabytes(upload.csvBytes)})` : '';
}

function megabytes(bytes: number): string {
  return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1000))} kB`;
}
