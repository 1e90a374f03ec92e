import { type Database } from '../../src/core/persistence/database';
import { exportCsv } from '../../src/core/reporting/csv-export';
import { type Period } from '../../src/core/reporting/period';
import { MemoryWatch, type MemoryFigures } from './memory';
import { periodOf, type PeriodName } from './slastat';
import { recording, type Call } from './timing';
import { readBack, spoolAsTelegram } from './upload';

/** Lines of the output kept for parsing (the header and the first records). */
export const SAMPLE_LINES = 1001;

/** 'streamed': exportCsv into a sink that counts bytes and drops them; 'telegram': /report's spool-and-maybe-gzip under a limit. */
export type CsvSink = { kind: 'streamed' } | { kind: 'telegram'; limitBytes: number };

/** How the Telegram path ended, and what its file read back to. */
export interface UploadFigures {
  limitBytes: number;
  compressed: boolean;
  /** The gzip's size when the CSV was above the limit (sent, or refused as still too large). */
  gzipBytes: number | null;
  /** prepareCsvUpload's reason when even the gzip is above the limit: no file to read back. */
  refused: string | null;
  /** Text bytes the file read back to (gunzipped when compressed); should equal the CSV's size. */
  readBackBytes: number;
}

export interface CsvRun {
  name: PeriodName;
  label: string;
  sink: CsvSink['kind'];
  /** Spool, and gzip when above the limit, for 'telegram'; the export alone for 'streamed'. */
  ms: number;
  /** 'streamed': what exportCsv returned; 'telegram': records in the file (csvStream does not pass the count on). */
  rows: number;
  /** CRLF-terminated lines written, header included (the seed's titles hold no line breaks). */
  lines: number;
  /** The CSV's size ('telegram': csvBytes, before any gzip). */
  bytes: number;
  pages: number;
  /** Time inside the page queries (call to rows back), summed. */
  queriesMs: number;
  firstPageMs: number;
  lastPageMs: number;
  maxPageMs: number;
  memory: MemoryFigures;
  upload: UploadFigures | null;
  /** The slowest page query's text and parameters, for EXPLAIN. */
  slowestPage: Call | undefined;
  /** The beginning of the file, up to SAMPLE_LINES lines (BOM included). */
  head: string;
}

/** Counts what it is given; keeps only the head of the file. */
class CountingSink {
  bytes = 0;
  lines = 0;
  head = '';
  private headLines = 0;

  constructor(private readonly watch?: MemoryWatch) {}

  readonly write = (chunk: string): void => {
    this.bytes += Buffer.byteLength(chunk, 'utf8');
    const inHead = this.headLines < SAMPLE_LINES;
    let headEnd = chunk.length;
    let at = chunk.indexOf('\n');
    while (at !== -1) {
      this.lines++;
      if (this.headLines < SAMPLE_LINES && ++this.headLines === SAMPLE_LINES) headEnd = at + 1;
      at = chunk.indexOf('\n', at + 1);
    }
    // All of a chunk up to the head's last line: a file read back in 64 KiB chunks splits lines, exportCsv's pages do not.
    if (inHead) this.head += chunk.slice(0, headEnd);
    this.watch?.sample();
  };
}

/** One export of the period, with the process's memory watched from right before it. */
export async function benchCsv(db: Database, name: PeriodName, zone: string, nowMs: number, sink: CsvSink): Promise<CsvRun> {
  const period = periodOf(name, zone, nowMs);
  const recorded = recording(db);
  const watch = await MemoryWatch.start();
  const counting = new CountingSink(sink.kind === 'streamed' ? watch : undefined);
  const measured =
    sink.kind === 'streamed' ? await streamed(recorded.db, period, zone, watch, counting) : await viaTelegram(recorded.db, period, zone, sink.limitBytes, watch, counting);
  const pages = recorded.calls.filter((c) => c.name === 'CSV page');
  const slowestPage = pages.reduce<Call | undefined>((a, b) => (a === undefined || b.ms > a.ms ? b : a), undefined);
  return {
    name,
    label: period.label,
    sink: sink.kind,
    ...measured,
    lines: counting.lines,
    pages: pages.length,
    queriesMs: pages.reduce((sum, p) => sum + p.ms, 0),
    firstPageMs: pages[0]?.ms ?? 0,
    lastPageMs: pages[pages.length - 1]?.ms ?? 0,
    maxPageMs: slowestPage?.ms ?? 0,
    slowestPage,
    head: counting.head,
  };
}

type Measured = Pick<CsvRun, 'ms' | 'memory' | 'rows' | 'bytes' | 'upload'>;

async function streamed(db: Database, period: Period, zone: string, watch: MemoryWatch, counting: CountingSink): Promise<Measured> {
  const started = performance.now();
  const rows = await exportCsv(db, period, {}, zone, counting.write, { bom: true });
  const ms = performance.now() - started;
  return { ms, memory: watch.stop(), rows, bytes: counting.bytes, upload: null };
}

async function viaTelegram(db: Database, period: Period, zone: string, limitBytes: number, watch: MemoryWatch, counting: CountingSink): Promise<Measured> {
  const started = performance.now();
  const spooled = await spoolAsTelegram(db, period, zone, limitBytes);
  const ms = performance.now() - started;
  const memory = watch.stop();
  // Read back outside the watch and the clock: Telegram streams the upload from disk, this is only for the checks.
  if (spooled.ok) {
    try {
      await readBack(spooled, counting.write);
    } finally {
      await spooled.dispose();
    }
  }
  return {
    ms,
    memory,
    rows: Math.max(0, counting.lines - 1),
    bytes: spooled.csvBytes,
    upload: {
      limitBytes,
      compressed: spooled.ok && spooled.compressed,
      gzipBytes: !spooled.ok ? spooled.gzipBytes : spooled.compressed ? spooled.bytes : null,
      refused: spooled.ok ? null : spooled.reason,
      readBackBytes: counting.bytes,
    },
  };
}

/** The sink as tables and checks name it: the Telegram runs differ by their limit. */
export function sinkLabel(run: Pick<CsvRun, 'sink' | 'upload'>): string {
  return run.upload ? `${run.sink} <= ${megabytes(run.upload.limitBytes)}` : run.sink;
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes >= 1e7 ? 0 : 1)} MB`;
}
