import { type Database } from '../../src/core/persistence/database';
import { type Call } from './timing';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Parent Relationship'?: string;
  'Subplan Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Actual Total Time'?: number;
  'Rows Removed by Filter'?: number;
  'Workers Launched'?: number;
  'Sort Method'?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

interface Explained {
  Plan: PlanNode;
  'Planning Time': number;
  'Execution Time': number;
  JIT?: { Functions: number; Timing: { Total: number } };
}

export interface PlanSummary {
  statement: string;
  planningMs: number;
  executionMs: number;
  /** JIT compilation time inside the execution, if PostgreSQL used JIT. */
  jitMs: number | null;
  sharedHitBlocks: number;
  sharedReadBlocks: number;
  /** One line per plan node, indented: type, relation or index, rows × loops, inclusive time. */
  nodes: string[];
  /** Every index the plan uses. */
  indexes: string[];
}

const MAX_NODES = 18;

/** EXPLAIN (ANALYZE, BUFFERS) of a recorded call, with the same parameters (one more execution). */
export async function explain(db: Database, call: Call): Promise<PlanSummary> {
  // Under the same settings the statement ran with (buildReport's SET LOCAL jit, work_mem).
  const [row] = await db.transaction(async (sql) => {
    for (const setting of call.settings) await sql.query(setting);
    return sql.query<{ 'QUERY PLAN': Explained[] | string }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${call.text}`, call.params);
  });
  const raw = row?.['QUERY PLAN'];
  const explained = (typeof raw === 'string' ? (JSON.parse(raw) as Explained[]) : raw)?.[0];
  if (!explained) throw new Error(`EXPLAIN of ${call.name} returned no plan`);
  const nodes: string[] = [];
  const indexes = new Set<string>();
  const walk = (node: PlanNode, depth: number) => {
    if (node['Index Name']) indexes.add(node['Index Name']);
    if (nodes.length < MAX_NODES) nodes.push(`${'  '.repeat(depth)}${describe(node)}`);
    for (const child of node.Plans ?? []) walk(child, depth + 1);
  };
  walk(explained.Plan, 0);
  return {
    statement: call.name,
    planningMs: explained['Planning Time'],
    executionMs: explained['Execution Time'],
    jitMs: explained.JIT ? explained.JIT.Timing.Total : null,
    sharedHitBlocks: explained.Plan['Shared Hit Blocks'] ?? 0,
    sharedReadBlocks: explained.Plan['Shared Read Blocks'] ?? 0,
    nodes,
    indexes: [...indexes],
  };
}

function describe(node: PlanNode): string {
  const on = node['Index Name'] ? ` using ${node['Index Name']}` : node['Relation Name'] ? ` on ${node['Relation Name']}` : '';
  const sub = node['Subplan Name'] ? ` [${node['Subplan Name']}]` : '';
  const loops = node['Actual Loops'] ?? 1;
  const extras = [
    node['Rows Removed by Filter'] ? `${node['Rows Removed by Filter']} removed by filter` : '',
    node['Workers Launched'] ? `${node['Workers Launched']} workers` : '',
    node['Sort Method'] ? node['Sort Method'] : '',
  ].filter(Boolean);
  // Actual Total Time is per loop; times loops gives the node's inclusive time.
  const total = (node['Actual Total Time'] ?? 0) * loops;
  return `${node['Node Type']}${on}${sub}: ${node['Actual Rows'] ?? 0} rows x ${loops}, ${total.toFixed(1)} ms${extras.length ? `, ${extras.join(', ')}` : ''}`;
}
