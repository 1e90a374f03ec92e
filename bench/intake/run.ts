import { type Backend } from '../../src/core/persistence/database';
import { runBaselines } from './baselines';
import { verifyIntake } from './checks';
import { openFresh, pendingCleanups } from './databases';
import { runIntake } from './intake-load';
import { parseOptions, type BenchOptions } from './options';
import { machineInfo, printBackend, resultLine, serverInfo, targetFor, type BackendResult } from './report';
import { buildWorkload, type Workload } from './workload';

/**
 * Intake benchmark: the same message stream through IntakeService on each backend, then the
 * raw INSERT baselines for the same rows on the same backend, then correctness checks.
 * Exits 1 if a check fails or a backend could not be benchmarked (targets are only reported).
 */
async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const watchdog = setTimeout(() => void abort(`timed out after ${options.timeoutSeconds} s`), options.timeoutSeconds * 1000);
  watchdog.unref();
  process.once('SIGINT', () => void abort('interrupted'));

  const machine = machineInfo();
  console.log(`machine: ${machine.cpu} x${machine.cpus}, ${machine.memGiB} GiB, node ${machine.node}, ${machine.os}`);
  const workload = buildWorkload(options.messages, options.conversations, options.seed, Date.now());
  console.log(
    `workload: ${workload.messages.length} messages over ${options.conversations} conversations ` +
      `(${workload.customer} customer, ${workload.staff} staff, ${workload.duplicates} duplicates); ` +
      `${options.concurrency} senders, maxBatch ${options.maxBatch}`,
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

  const pass = failures.length === 0 && results.every((r) => r.checks.every((c) => c.pass));
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

async function benchBackend(backend: Backend, workload: Workload, options: BenchOptions): Promise<BackendResult> {
  console.log(`\n-- ${backend}: running intake, then baselines ...`);
  const { db, location, dispose } = await openFresh(backend, options.adminUrl);
  try {
    const server = await serverInfo(db);
    const intake = await runIntake(db, workload, options.concurrency, options.maxBatch);
    const checks = await verifyIntake(db, workload, intake);
    const baselines = await runBaselines(db, workload, options.singleRows, options.batchRows);
    return {
      backend,
      location,
      server,
      intake,
      baselines,
      ratios: { singleRow: intake.perSecond / baselines.singleRow.perSecond, batched: intake.perSecond / baselines.batched.perSecond },
      checks,
      target: targetFor(backend, intake),
    };
  } finally {
    await dispose();
  }
}

/** Drops what this run created (bounded, so a dead server cannot hold the exit) and exits. */
async function abort(reason: string): Promise<void> {
  console.error(`\naborting: ${reason}; cleaning up`);
  const cleanups = [...pendingCleanups].map((cleanup) => cleanup().catch(() => undefined));
  await Promise.race([Promise.all(cleanups), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  process.exit(2);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
