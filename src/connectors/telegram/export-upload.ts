import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { Input } from 'telegraf';

/** Telegram's cap on a file a bot uploads through the public Bot API. */
export const BOT_API_UPLOAD_LIMIT = 50_000_000;

export type UploadFile = ReturnType<typeof Input.fromLocalFile>;

export type ExportUpload =
  | { ok: true; file: UploadFile; name: string; bytes: number; csvBytes: number; compressed: boolean; dispose: () => Promise<void> }
  | { ok: false; csvBytes: number; gzipBytes: number; reason: string };

/**
 * Spools a CSV export to a temporary file so its size is known before the upload: a file up to
 * the limit goes as it is, a larger one gzipped (CSV shrinks several times), and one still too
 * large is refused with a reason rather than sent to fail at Telegram. Memory stays flat: the
 * export streams to disk and the upload streams from it. The caller disposes the file.
 */
export async function prepareExportUpload(csv: Readable, name: string, limitBytes: number): Promise<ExportUpload> {
  const dir = await mkdtemp(path.join(tmpdir(), 'replywatch-export-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const csvPath = path.join(dir, name);
    await pipeline(csv, createWriteStream(csvPath));
    const csvBytes = (await stat(csvPath)).size;
    if (csvBytes <= limitBytes) return { ok: true, file: Input.fromLocalFile(csvPath, name), name, bytes: csvBytes, csvBytes, compressed: false, dispose };
    const gzipName = `${name}.gz`;
    const gzipPath = path.join(dir, gzipName);
    await pipeline(createReadStream(csvPath), createGzip(), createWriteStream(gzipPath));
    const gzipBytes = (await stat(gzipPath)).size;
    if (gzipBytes <= limitBytes) return { ok: true, file: Input.fromLocalFile(gzipPath, gzipName), name: gzipName, bytes: gzipBytes, csvBytes, compressed: true, dispose };
    await dispose();
    return {
      ok: false,
      csvBytes,
      gzipBytes,
      reason: `the export is ${megabytes(csvBytes)} (${megabytes(gzipBytes)} gzipped), above the ${megabytes(limitBytes)} a bot may upload; use a shorter period, the directory export (reports.exports[].directory) or GET /api/v1/reports?format=csv`,
    };
  } catch (error) {
    await dispose();
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
