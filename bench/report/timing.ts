import { type Database, type Sql } from '../../src/core/persistence/database';

export interface Summary {
  /** Runs measured (after the warm-up). */
  runs: number;
  median: number;
  max: number;
  min: number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { runs: sorted.length, median, max: sorted[sorted.length - 1] ?? 0, min: sorted[0] ?? 0 };
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

/** One statement as the caller saw it: call to rows back, with its text and parameters (for EXPLAIN). */
export interface Call {
  name: string;
  text: string;
  params: unknown[];
  ms: number;
  /** SET statements issued before it in the same transaction (jit, work_mem), for EXPLAIN to repeat. */
  settings: string[];
}

/**
 * The same Database, with every statement recorded: db.query() calls and those run inside
 * db.transaction() (buildReport runs its three in one snapshot). SET statements are kept with
 * the calls after them rather than recorded. `calls` is emptied by the caller between runs.
 */
export function recording(db: Database): { db: Database; calls: Call[] } {
  const calls: Call[] = [];
  const recorder = (run: <T>(text: string, params: unknown[]) => Promise<T[]>, settings: string[]) =>
    async <T>(text: string, params: unknown[] = []): Promise<T[]> => {
      if (/^\s*SET\s/i.test(text)) {
        settings.push(text);
        return run<T>(text, params);
      }
      const started = performance.now();
      try {
        return await run<T>(text, params);
      } finally {
        calls.push({ name: statementName(text), text, params, ms: performance.now() - started, settings: [...settings] });
      }
    };
  const query = recorder((text, params) => db.query(text, params), []);
  const transaction = <T>(work: (sql: Sql) => Promise<T>): Promise<T> =>
    db.transaction((sql) => {
      const recorded = recorder((text, params) => sql.query(text, params), []);
      return work(new Proxy(sql, { get: (target, property, receiver) => (property === 'query' ? recorded : (Reflect.get(target, property, receiver) as unknown)) }));
    });
  const proxy = new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'query') return query;
      if (property === 'transaction') return transaction;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  return { db: proxy, calls };
}

function statementName(text: string): string {
  const words = text.replace(/\s+/g, ' ').trim();
  if (words.startsWith('SELECT t.*, t.b_pct[1]')) return 'totals: counts, percentiles, escalated';
  if (words.startsWith('SELECT c.channel, c.external_id AS conversation')) return 'hot conversations';
  if (words.startsWith('SELECT COALESCE(i.responder_name')) return 'responders';
  if (words.startsWith('SELECT i.id, i.opened_at')) return 'CSV page';
  return words.slice(0, 40);
}

/** Median ms per statement name over several runs' calls (each run calls each statement once). */
export function perStatement(runs: readonly Call[][]): Array<{ name: string; median: number; max: number }> {
  const byName = new Map<string, number[]>();
  for (const run of runs) for (const call of run) byName.set(call.name, [...(byName.get(call.name) ?? []), call.ms]);
  return [...byName].map(([name, ms]) => ({ name, median: summarize(ms).median, max: summarize(ms).max })).sort((a, b) => b.median - a.median);
}
