import { type CsvRun, megabytes, sinkLabel, type UploadFigures } from './csv';
import { type PlanSummary } from './explain';
import { type SeedFigures } from './seed';
import { type SlastatFigures } from './slastat';
import { summarize } from './timing';
import { cell, printTable } from '../shared/report';

/** The issue's target for /slastat on 1,000,000 inquiries. */
export const SLASTAT_TARGET_MS = 500;

export function printSeed(seed: SeedFigures): void {
  const share = (n: number) => `${n.toLocaleString('en-US')} (${((100 * n) / seed.inquiries).toFixed(1)} %)`;
  console.log(
    `   seed: ${seed.inquiries.toLocaleString('en-US')} inquiries over ${seed.conversations.toLocaleString('en-US')} conversations ` +
      `(${seed.messages.toLocaleString('en-US')} messages, ${seed.events.toLocaleString('en-US')} events) in ${seed.seconds.toFixed(1)} s ` +
      `(${Math.round(seed.perSecond).toLocaleString('en-US')} inquiries/s), VACUUM ANALYZE ${seed.analyzeSeconds.toFixed(1)} s`,
  );
  console.log(`   mix: ${Object.entries(seed.mix).map(([kind, n]) => `${kind} ${share(n)}`).join(', ')}`);
  console.log(`        breached ${share(seed.breached)}, escalated ${share(seed.escalated)}, with a policy ${share(seed.withPolicy)}`);
  console.log(
    `   sizes: database ${seed.databaseMiB.toFixed(0)} MiB; ${Object.entries(seed.sizesMiB).map(([t, mib]) => `${t} ${mib.toFixed(0)} MiB`).join(', ')} (with indexes)`,
  );
}

export function printSlastat(figures: SlastatFigures[]): void {
  console.log(`\n== /slastat: buildReport(db, from, to) as the command runs it, against SELECT count(*) over the same opening range`);
  const header = ['period', 'range', 'inquiries', 'first ms', 'median ms', 'max ms', 'count(*) med ms', 'max ms ', 'report/count'];
  const rows = figures.map((f) => [
    f.name,
    `${f.from.slice(0, 10)} .. ${f.to.slice(0, 10)}`,
    f.rows,
    f.firstMs,
    f.report.median,
    f.report.max,
    f.baseline.median,
    f.baseline.max,
    `${f.ratio.toFixed(1)}x`,
  ]);
  printTable(header, rows.map((r) => r.map(cell)), 2);
  console.log(`   (${figures[0]?.report.runs ?? 0} measured runs each after one warm-up; "first" is that warm-up, right after seeding)`);
  for (const f of figures) {
    const total = f.statements.reduce((sum, s) => sum + s.median, 0);
    console.log(`   ${f.name}: ${f.statements.map((s) => `${s.name} ${s.median.toFixed(1)} ms (${((100 * s.median) / total).toFixed(0)} %)`).join('; ')}`);
  }
  for (const f of figures) {
    const r = f.result;
    console.log(
      `   ${f.name} says: ${r.inquiries} inquiries, ${r.answered} answered, ${r.stillOpen} open, ${r.resolvedWithoutAnswer} resolved unanswered, ` +
        `${r.breaches} breaches, within SLA ${r.withinSlaPercent} %, median FRT ${r.medianBusinessMinutes} business min, ` +
        `escalated ${r.escalated} (${r.escalatedPercent} %), ${r.hotConversations} hot conversations, ${r.responders} responders`,
    );
  }
}

export function printPlan(title: string, plan: PlanSummary): void {
  console.log(`\n== EXPLAIN (ANALYZE, BUFFERS): ${title}`);
  console.log(
    `   planning ${plan.planningMs.toFixed(1)} ms, execution ${plan.executionMs.toFixed(1)} ms` +
      `${plan.jitMs === null ? ', no JIT' : `, of which JIT ${plan.jitMs.toFixed(1)} ms`}; shared buffers hit ${plan.sharedHitBlocks}, read ${plan.sharedReadBlocks}`,
  );
  console.log(`   indexes used: ${plan.indexes.length ? plan.indexes.join(', ') : 'none'}`);
  for (const node of plan.nodes) console.log(`     ${node}`);
  console.log('   (ms per node: inclusive, summed over loops — parallel workers count separately)');
}

export function printCsv(runs: CsvRun[]): void {
  console.log(
    '\n== CSV export: exportCsv(db, range, {}, zone, write, { bom: true }) into a sink that counts bytes and keeps nothing, and\n' +
      '   as /report sends it: prepareCsvUpload(db, { range, label, zone, bom: true, limitBytes })',
  );
  const header = ['period', 'sink', 'rows', 'seconds', 'in queries s', 'rows/s', 'MB', 'pages', 'page ms first', 'last', 'max', 'RSS before', 'RSS +peak', 'heap before', 'heap +peak', 'live +peak'];
  const rows = runs.map((r) => [
    `${r.name} (${r.label})`,
    sinkLabel(r),
    r.rows,
    r.ms / 1000,
    r.queriesMs / 1000,
    (r.rows * 1000) / r.ms,
    r.bytes / 1e6,
    r.pages,
    r.firstPageMs,
    r.lastPageMs,
    r.maxPageMs,
    r.memory.rssBeforeMiB,
    r.memory.rssPeakDeltaMiB,
    r.memory.heapBeforeMiB,
    r.memory.heapPeakDeltaMiB,
    r.memory.liveHeapPeakDeltaMiB ?? Number.NaN,
  ]);
  printTable(header, rows.map((r) => r.map(cell)), 2);
  console.log('   (memory in MiB against the value right before the export, taken after a forced GC: RSS and heap +peak are the highest of samples');
  console.log('    every 100 ms and on every streamed write, garbage included; live +peak is the highest heapUsed right after a forced full GC,');
  console.log('    every 500 ms and once at the end: what the export keeps alive, "-" when GC cannot be forced. "telegram" spools to a temp file,');
  console.log('    gzips it above the limit and stops the clock there; the file is then read back (gunzipped) for the checks, and deleted)');
  for (const r of runs) if (r.upload) console.log(`   ${r.name}, ${sinkLabel(r)}: ${uploadOutcome(r.bytes, r.upload)}, in ${(r.ms / 1000).toFixed(2)} s`);
}

function uploadOutcome(csvBytes: number, upload: UploadFigures): string {
  const gzip = upload.gzipBytes === null ? '' : `gzipped ${megabytes(csvBytes)} -> ${megabytes(upload.gzipBytes)} (${(csvBytes / upload.gzipBytes).toFixed(1)}x)`;
  if (upload.refused) return `refused, ${gzip}`;
  return upload.compressed ? `sent ${gzip}` : `sent as it is, ${megabytes(csvBytes)} CSV`;
}

export interface CsvSummary {
  seconds: ReturnType<typeof summarize>;
  rssDelta: number;
  heapDelta: number;
  /** null when a run could not force GC. */
  liveDelta: number | null;
}

/** Max over the runs of that period and sink (the median for seconds). */
export function csvSummary(runs: CsvRun[], name: string, sink: CsvRun['sink'] = 'streamed'): CsvSummary | null {
  const mine = runs.filter((r) => r.name === name && r.sink === sink);
  if (mine.length === 0) return null;
  const live = mine.map((r) => r.memory.liveHeapPeakDeltaMiB).filter((l): l is number => l !== null);
  return {
    seconds: summarize(mine.map((r) => r.ms / 1000)),
    rssDelta: Math.max(...mine.map((r) => r.memory.rssPeakDeltaMiB)),
    heapDelta: Math.max(...mine.map((r) => r.memory.heapPeakDeltaMiB)),
    liveDelta: live.length === mine.length ? Math.max(...live) : null,
  };
}
