import { type Database } from '../../src/core/persistence/database';
import { exportCsv } from '../../src/core/reporting/csv-export';
import { MemoryWatch, type MemoryFigures } from './memory';
import { periodOf, type PeriodName } from './slastat';
import { recording, type Call } from './timing';

/** Lines of the output kept for parsing (the header and the first records). */
export const SAMPLE_LINES = 1001;
const MIB = 2 ** 20;

export interface CsvRun {
  name: PeriodName;
  label: string;
  /** 'streamed': bytes counted and dropped; 'buffered': chunks kept and joined, as /report in Telegram does. */
  sink: 'streamed' | 'buffered';
  ms: number;
  /** What exportCsv returned. */
  rows: number;
  /** CRLF-terminated lines written, header included (the seed's titles hold no line breaks). */
  lines: number;
  bytes: number;
  pages: number;
  /** Time inside the page queries (call to rows back), summed. */
  queriesMs: number;
  firstPageMs: number;
  lastPageMs: number;
  maxPageMs: number;
  memory: MemoryFigures;
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

  constructor(private readonly watch: MemoryWatch) {}

  readonly write = (chunk: string): void => {
    this.bytes += Buffer.byteLength(chunk, 'utf8');
    let at = chunk.indexOf('\n');
    let headEnd = -1;
    while (at !== -1) {
      this.lines++;
      if (this.headLines < SAMPLE_LINES) {
        this.headLines++;
        headEnd = at;
      }
      at = chunk.indexOf('\n', at + 1);
    }
    if (headEnd !== -1) this.head += chunk.slice(0, headEnd + 1);
    this.watch.sample();
  };
}

/** One export of the period, with the process's memory watched from right before it. */
export async function benchCsv(db: Database, name: PeriodName, zone: string, nowMs: number, sink: CsvRun['sink']): Promise<CsvRun> {
  const period = periodOf(name, zone, nowMs);
  const recorded = recording(db);
  const watch = await MemoryWatch.start();
  const counting = new CountingSink(watch);
  const chunks: string[] = [];
  let bytes = 0;
  const started = performance.now();
  let rows: number;
  if (sink === 'streamed') {
    rows = await exportCsv(recorded.db, period, {}, zone, counting.write, { bom: true });
  } else {
    rows = await exportCsv(recorded.db, period, {}, zone, (chunk) => void chunks.push(chunk), { bom: true });
    const file = Buffer.from(chunks.join(''), 'utf8');
    watch.sample();
    bytes = file.length;
    counting.write(file.subarray(0, Math.min(file.length, 4 * MIB)).toString('utf8'));
    counting.bytes = bytes;
    counting.lines = rows + 1;
  }
  const ms = performance.now() - started;
  const memory = watch.stop();
  chunks.length = 0;
  const pages = recorded.calls.filter((c) => c.name === 'CSV page');
  const slowestPage = pages.reduce<Call | undefined>((a, b) => (a === undefined || b.ms > a.ms ? b : a), undefined);
  return {
    name,
    label: period.label,
    sink,
    ms,
    rows,
    lines: counting.lines,
    bytes: counting.bytes,
    pages: pages.length,
    queriesMs: pages.reduce((sum, p) => sum + p.ms, 0),
    firstPageMs: pages[0]?.ms ?? 0,
    lastPageMs: pages[pages.length - 1]?.ms ?? 0,
    maxPageMs: slowestPage?.ms ?? 0,
    memory,
    slowestPage,
    head: counting.head,
  };
}
