import { type Database } from '../../src/core/persistence/database';
import { perSecond, summarize, type LatencySummary } from './stats';
import { type Workload } from './workload';

export interface BaselineFigures {
  rows: number;
  commits: number;
  seconds: number;
  perSecond: number;
  /** Per commit: one statement from call to resolve. */
  commitLatencyMs: LatencySummary;
}

export interface Baselines {
  singleRow: BaselineFigures;
  batched: BaselineFigures;
}

type Row = [conversation: string, externalId: string, authorRole: string, text: string, sentAt: Date];

const COLUMNS = 5;

/**
 * What the hardware and driver give for the same rows with no intake logic: one INSERT per
 * commit (fsync-bound) and multi-row INSERTs. Sequential through db.query, each statement
 * committing on its own, on a table of its own so intake's tables are untouched.
 */
export async function runBaselines(db: Database, workload: Workload, singleRows: number, batchRows: number): Promise<Baselines> {
  await db.query(
    `CREATE TABLE bench_raw (conversation text NOT NULL, external_id text NOT NULL, author_role text NOT NULL,
       text text NOT NULL, sent_at timestamptz NOT NULL)`,
  );
  const rows: Row[] = workload.messages.map((m) => [m.conversation.id, m.id, m.author.role ?? 'customer', m.text, m.sentAt]);
  const singleRow = await insertInChunks(db, rows.slice(0, singleRows), 1);
  const batched = await insertInChunks(db, rows, batchRows);
  const [stored] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_raw');
  if (Number(stored?.n) !== singleRow.rows + batched.rows) throw new Error(`bench_raw holds ${stored?.n} rows, expected ${singleRow.rows + batched.rows}`);
  return { singleRow, batched };
}

async function insertInChunks(db: Database, rows: Row[], size: number): Promise<BaselineFigures> {
  const latencies = new Float64Array(Math.ceil(rows.length / size));
  const fullChunk = insertStatement(size);
  const started = performance.now();
  for (let offset = 0, k = 0; offset < rows.length; offset += size, k++) {
    const chunk = rows.slice(offset, offset + size);
    const t0 = performance.now();
    await db.query(chunk.length === size ? fullChunk : insertStatement(chunk.length), chunk.flat());
    latencies[k] = performance.now() - t0;
  }
  const elapsed = performance.now() - started;
  return { rows: rows.length, commits: latencies.length, seconds: elapsed / 1000, perSecond: perSecond(rows.length, elapsed), commitLatencyMs: summarize(latencies) };
}

function insertStatement(rowCount: number): string {
  const tuples = Array.from({ length: rowCount }, (_, r) => `(${Array.from({ length: COLUMNS }, (_, c) => `$${r * COLUMNS + c + 1}`).join(', ')})`);
  return `INSERT INTO bench_raw (conversation, external_id, author_role, text, sent_at) VALUES ${tuples.join(', ')}`;
}
