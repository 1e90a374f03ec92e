import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Database, type Backend } from '../../src/core/persistence/database';
import { scratchPostgres } from '../intake/databases';
import { machineInfo, resultLine } from '../intake/report';
import { abortRun, pendingCleanups, runMain } from '../shared/lifecycle';
import { check } from '../shared/report';
import { measureBaselines } from './baselines';
import { storedOnce } from './checks';
import { runClosedLoop } from './closed-loop';
import { intakeView, scrapeIntake } from './hub-metrics';
import { startHubProcess } from './hub-process';
import { runOpenLoop } from './open-loop';
import { parseOptions, type HttpBenchOptions } from './options';
import { Acknowledgements, type PhaseFigures } from './phase';
import { type BackendRun, printRun, printTargets, targetsOf } from './report';
import { SignedRequestFactory } from './signed-requests';

const WARMUP_SECONDS = 3;

/**
 * HTTP intake benchmark: the hub started as an operator starts it, driven over loopback from
 * this process with signed requests, on each backend; baselines from the same run; then the
 * stored-once checks on the hub's database. Exits 1 if a check fails (figures are reported).
 */
async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const watchdog = setTimeout(() => void abortRun(`timed out after ${options.timeoutSeconds} s`), options.timeoutSeconds * 1000);
  watchdog.unref();
  process.once('SIGINT', () => void abortRun('interrupted (SIGINT)'));
  const machine = machineInfo();
  console.log(`machine: ${machine.cpu} x${machine.cpus}, ${machine.memGiB} GiB, node ${machine.node}, ${machine.os}`);
  console.log(`phases of ${options.seconds} s; ${options.conversations} conversations; hub: node dist/cli.js start, default settings`);
  const runs: BackendRun[] = [];
  for (const backend of options.backends) {
    const run = await benchBackend(backend, options);
    printRun(run);
    runs.push(run);
  }
  const targets = targetsOf(runs);
  console.log('');
  printTargets(targets);
  console.log(resultLine({ runs, targets }));
  return runs.every((run) => run.checks.every((c) => c.pass)) ? 0 : 1;
}

async function benchBackend(backend: Backend, options: HttpBenchOptions): Promise<BackendRun> {
  console.log(`\n-- ${backend}: baselines (one-row INSERT x ${options.singleRows}, in-process intake x ${options.inProcessMessages}) ...`);
  const baselines = await measureBaselines(backend, options.adminUrl, options.singleRows, options.inProcessMessages, options.conversations);
  const dir = await mkdtemp(path.join(tmpdir(), 'replywatch-bench-http-'));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  pendingCleanups.add(removeDir);
  const { section, location, drop } = await hubDatabase(backend, options.adminUrl, dir);
  try {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const hub = await startHubProcess(dir, section, secret);
    pendingCleanups.add(async () => void (await hub.stop()));
    const acks = new Acknowledgements();
    const phases: PhaseFigures[] = [];
    let hubExit: string;
    try {
      let seed = 1;
      const factory = (prefix: string) => new SignedRequestFactory(secret, options.conversations, prefix, seed++);
      console.log(`   hub pid ${hub.pid} at ${hub.baseUrl}; warm-up ${WARMUP_SECONDS} s ...`);
      await runClosedLoop(hub.baseUrl, factory('warm'), acks, { name: 'warm-up', connections: 8, seconds: WARMUP_SECONDS, messagesPerRequest: 1 });
      const measured = async (phase: () => Promise<PhaseFigures>) => {
        const before = await scrapeIntake(hub.baseUrl);
        const figures = await phase();
        figures.intake = intakeView(before, await scrapeIntake(hub.baseUrl));
        phases.push(figures);
        console.log(`   ${progress(phases)}`);
      };
      for (const connections of options.concurrency) {
        await measured(() => runClosedLoop(hub.baseUrl, factory(`c${connections}`), acks, { name: `closed c=${connections}`, connections, seconds: options.seconds, messagesPerRequest: 1 }));
      }
      const batchName = `closed c=${options.batchConcurrency} x${options.batchSize}`;
      await measured(() => runClosedLoop(hub.baseUrl, factory('batch'), acks, { name: batchName, connections: options.batchConcurrency, seconds: options.seconds, messagesPerRequest: options.batchSize }));
      for (const rate of options.rates) {
        await measured(() => runOpenLoop(hub.baseUrl, factory(`r${rate}`), acks, { name: `open ${rate}/s`, ratePerSecond: rate, seconds: options.seconds, messagesPerRequest: 1 }));
      }
    } finally {
      hubExit = await hub.stop();
    }
    const checks = [check('the hub stopped cleanly on SIGTERM', cleanExit(hubExit), hubExit), ...(await checkStored(section, acks))];
    return { backend, location, baselines, phases, checks, hubExit };
  } finally {
    await drop();
    await removeDir();
    pendingCleanups.delete(removeDir);
  }
}

/** The hub re-raises SIGTERM once it has closed, so ending by that signal is the clean way. */
function cleanExit(how: string): boolean {
  return how === 'exit code 0' || how === 'signal SIGTERM';
}

function progress(phases: PhaseFigures[]): string {
  const p = phases[phases.length - 1] as PhaseFigures;
  const hub = p.intake ? `; hub: mean batch ${p.intake.meanBatch.toFixed(1)}, arrival to commit ${p.intake.meanCommitMs.toFixed(1)} ms` : '';
  return `${p.name}: ${p.messagesPerSecond.toFixed(0)} msg/s, p99 ${p.latencyMs.p99.toFixed(1)} ms${hub}`;
}

async function checkStored(section: Record<string, unknown>, acks: Acknowledgements) {
  const db = await Database.open({ url: section.url as string | undefined, dataDir: (section.dataDir as string | undefined) ?? '', poolSize: 2 });
  try {
    return await storedOnce(db, acks.ids);
  } finally {
    await db.close();
  }
}

/** The hub's own fresh database: a new data directory, or a new PostgreSQL database. */
async function hubDatabase(backend: Backend, adminUrl: string, dir: string): Promise<{ section: Record<string, unknown>; location: string; drop: () => Promise<void> }> {
  if (backend === 'pglite') {
    const dataDir = path.join(dir, 'data');
    return { section: { dataDir }, location: dataDir, drop: () => Promise.resolve() };
  }
  const scratch = await scratchPostgres(adminUrl);
  return { section: { url: scratch.url }, location: scratch.location, drop: scratch.drop };
}

runMain(main);
