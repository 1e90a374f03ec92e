import { type Database, type Sql } from '../../src/core/persistence/database';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/**
 * The storm guard (src/core/sla/storm-guard.ts) counts a target's deliveries of the current
 * minute before every alert it enqueues. This runs that exact statement once, as it was at the
 * end of the restart burst, and returns its plan's scan and execution time.
 */
export async function stormGuardCount(db: Database, target: string, minuteStart: number): Promise<{ plan: string; executionMs: number; deliveries: number }> {
  const [row] = await db.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode; 'Execution Time': number }> }>(
    `EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*)::int AS n FROM deliveries
     WHERE kind = 'notify' AND connector = $1 AND target->>'name' = $2 AND created_at >= $3`,
    ['log', target, new Date(minuteStart)],
  );
  const [count] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries`);
  const explained = row?.['QUERY PLAN'][0];
  return { plan: explained ? scans(explained.Plan).join(', ') : 'unknown', executionMs: explained?.['Execution Time'] ?? Number.NaN, deliveries: Number(count?.n) };
}

function scans(node: PlanNode): string[] {
  const children = (node.Plans ?? []).flatMap(scans);
  if (children.length > 0) return children;
  const on = node['Index Name'] ? ` using ${node['Index Name']}` : node['Relation Name'] ? ` on ${node['Relation Name']}` : '';
  return [`${node['Node Type']}${on}`];
}

export interface StatementTime {
  statement: string;
  calls: number;
  totalMs: number;
}

export interface SqlProfile {
  /** Wall time inside db.transaction/db.query calls, ms. */
  unitsMs: number;
  units: number;
  statements: StatementTime[];
}

/**
 * The same Database, with every statement the scheduler sends timed (call to rows back) and
 * named by its first words; units of work are timed whole, so what is left is BEGIN, COMMIT
 * and the pool. Two timestamps and two map lookups per call, next to statements of 0.1 ms and more.
 */
export function profiled(db: Database): { db: Database; profile: () => SqlProfile } {
  const statements = new Map<string, StatementTime>();
  /** Statement texts are constants, so each is named once. */
  const names = new Map<string, string>();
  let unitsMs = 0;
  let units = 0;
  const timedSql = (sql: Sql): Sql => ({
    manager: sql.manager,
    query: async <T>(text: string, params?: unknown[]) => {
      const started = performance.now();
      try {
        return await sql.query<T>(text, params);
      } finally {
        let name = names.get(text);
        if (name === undefined) names.set(text, (name = statementName(text)));
        const entry = statements.get(name) ?? { statement: name, calls: 0, totalMs: 0 };
        entry.calls++;
        entry.totalMs += performance.now() - started;
        statements.set(name, entry);
      }
    },
  });
  const timedUnit =
    (kind: 'transaction' | 'run') =>
    async <T>(work: (sql: Sql) => Promise<T>): Promise<T> => {
      const started = performance.now();
      try {
        return await db[kind]((sql) => work(timedSql(sql)));
      } finally {
        unitsMs += performance.now() - started;
        units++;
      }
    };
  const proxy = new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'transaction') return timedUnit('transaction');
      if (property === 'run') return timedUnit('run');
      if (property === 'query') return <T>(text: string, params?: unknown[]) => timedUnit('run')((sql) => sql.query<T>(text, params));
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  return { db: proxy, profile: () => ({ unitsMs, units, statements: [...statements.values()].sort((a, b) => b.totalMs - a.totalMs) }) };
}

function statementName(text: string): string {
  const words = text.replace(/\s+/g, ' ').trim();
  if (/^SELECT count\(\*\)::int AS n FROM deliveries/.test(words)) return 'storm guard: count target alerts this minute';
  if (/^SELECT i\.id, i\.opened_at/.test(words)) return 'claim due inquiries (FOR UPDATE SKIP LOCKED)';
  if (/^UPDATE inquiries SET next_mark/.test(words)) return 'advance next_mark / next_attention_at';
  if (/^INSERT INTO deliveries/.test(words)) return 'enqueue delivery';
  if (/^INSERT INTO inquiry_events/.test(words)) return 'append mark event';
  if (/^SELECT min\(next_attention_at\)/.test(words)) return 'next due instant';
  return words.slice(0, 50);
}
