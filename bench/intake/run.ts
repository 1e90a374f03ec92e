import { abortRun, runMain } from '../shared/lifecycle';
import { type Backend, type Database } from '../../src/core/persistence/database';
import { runBaselines } from './baselines';
import { verifyIntake } from './checks';
import { openFresh } from './databases';
import { runClosedLoop, runOpenLoop, type LoadMode } from './intake-load';
import { parseOptions, type BenchOptions } from './options';
import { machineInfo, printBackend, resultLine, serverInfo, targetFor, TARGET_RATE, type BackendResult, type IntakeRun, type ServerInfo } from './report';
import { buildWorkload, type Workload } from './workload';

/**
 * Intake benchmark: the same message stream through IntakeService on each backend, closed loop
 * (peak throughput) and/or open loop (latency at a fixed offered rate), each run on a fresh
 * database and followed by its correctness checks; then the raw INSERT baselines for the same
 * rows on the same backend. Exits 1 if a check fails or a backend could not be benchmarked
 * (targets are only reported).
 */
async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const watchdog = setTimeout(() => void abortRun(`timed out after ${options.timeoutSeconds} s`), options.timeoutSeconds * 1000);
  watchdog.unref();
  process.once('SIGINT', () => void abortRun('interrupted'));

  const machine = machineInfo();
  console.log(`machine: ${machine.cpu} x${machine.cpus}, ${machine.memGiB} GiB, node ${machine.node}, ${machine.os}`);
  const workload = buildWorkload(options.messages, options.conversations, options.seed, Date.now());
  console.log(
    `workload: ${workload.messages.length} messages over ${options.conversations} conversations ` +
      `(${workload.customer} customer, ${workload.staff} staff, ${workload.duplicates} duplicates); ` +
      `${describeModes(options)}; maxBatch ${options.maxBatch}`,
  );

  const results: BackendResult[] = [];
  const failures: Array<{ backend: Backend; error: string }> = [];
  for (const backend of options.backends) {
    try {
      const result = await benchBackend(backend, workload, options);
      printBackend(result);
      results.push(result);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`\n== ${backend}: FAILED to run\n${message}`);
      failures.push({ backend, error: error instanceof Error ? error.message : String(error) });
    }
  }

  const pass = failures.length === 0 && results.every((r) => r.runs.every((run) => run.checks.every((c) => c.pass)));
  console.log(`\noverall: ${pass ? 'PASS' : 'FAIL'}`);
  console.log(
    resultLine({
      machine,
      options: { ...options, adminUrl: undefined },
      workload: { messages: workload.messages.length, unique: workload.unique, duplicates: workload.duplicates, customer: workload.customer, staff: workload.staff },
      results,
      failures,
      pass,
    }),
  );
  return pass ? 0 : 1;
}

function describeModes(options: BenchOptions): string {
  const rate = options.rate === null ? `the target rate (${options.backends.map((b) => `${b} ${TARGET_RATE[b]}/s`).join(', ')})` : `${options.rate}/s`;
  return options.modes.map((mode) => (mode === 'closed' ? `closed loop with ${options.concurrency} senders` : `open loop at ${rate}`)).join(', then ');
}

async function benchBackend(backend: Backend, workload: Workload, options: BenchOptions): Promise<BackendResult> {
  let server: ServerInfo | undefined;
  const runs: IntakeRun[] = [];
  for (const mode of options.modes) {
    const rate = options.rate ?? TARGET_RATE[backend];
    console.log(`\n-- ${backend}: intake, ${mode === 'closed' ? `closed loop with ${options.concurrency} senders` : `open loop at ${rate}/s`}, on a fresh database ...`);
    runs.push(
      await withFreshDatabase(backend, options, async (db, location) => {
        server ??= await serverInfo(db);
        const figures = await runLoad(mode, db, workload, options, rate);
        return { location, figures, checks: await verifyIntake(db, workload, figures) };
      }),
    );
  }
  console.log(`\n-- ${backend}: raw INSERT baselines, on a fresh database ...`);
  const { baselines, baselineLocation } = await withFreshDatabase(backend, options, async (db, location) => {
    server ??= await serverInfo(db);
    return { baselines: await runBaselines(db, workload, options.singleRows, options.batchRows), baselineLocation: location };
  });
  const peak = runs.find((r) => r.figures.load.mode === 'closed') ?? runs[0];
  if (!server || !peak) throw new Error('no intake run');
  const peakPerSecond = peak.figures.perSecond;
  return {
    backend,
    server,
    runs,
    baselines,
    baselineLocation,
    ratios: {
      intake: peak.figures.load.mode,
      singleRow: peakPerSecond / baselines.singleRow.perSecond,
      batched: peakPerSecond / baselines.batched.perSecond,
    },
    target: targetFor(backend, runs),
  };
}

function runLoad(mode: LoadMode, db: Database, workload: Workload, options: BenchOptions, rate: number) {
  return mode === 'closed' ? runClosedLoop(db, workload, options.concurrency, options.maxBatch) : runOpenLoop(db, workload, rate, options.maxBatch);
}

async function withFreshDatabase<T>(backend: Backend, options: BenchOptions, body: (db: Database, location: string) => Promise<T>): Promise<T> {
  const { db, location, dispose } = await openFresh(backend, options.adminUrl);
  try {
    return await body(db, location);
  } finally {
    await dispose();
  }
}

runMain(main);
