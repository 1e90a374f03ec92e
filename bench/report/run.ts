import { BOT_API_UPLOAD_LIMIT } from '../../src/connectors/telegram/export-upload';
import { type Database } from '../../src/core/persistence/database';
import { openFresh } from '../intake/databases';
import { machineInfo, resultLine, serverInfo } from '../intake/report';
import { abortRun, runMain } from '../shared/lifecycle';
import { csvChecks, seedChecks, slastatChecks } from './checks';
import { benchCsv, type CsvRun } from './csv';
import { explain, type PlanSummary } from './explain';
import { canForceGc } from './memory';
import { parseOptions, type BenchOptions } from './options';
import { printCsv, printPlan, printSeed, printSlastat } from './print';
import { seed } from './seed';
import { benchSlastat, PERIODS, periodOf, type SlastatFigures } from './slastat';
import { flatMemoryTarget, slastatTarget } from './targets';
import { type Check, printChecks, printTargets } from '../shared/report';

const DAY_MS = 86_400_000;

/**
 * Reporting benchmark: /slastat (buildReport) for this month, last month and last quarter
 * against a bare count(*) over the same range, and the CSV export of a month and a quarter
 * streamed into a counting sink, then the quarter as /report sends it (spooled, gzipped above
 * the limit), with the process's memory watched, on a fresh database seeded with set-based SQL. Exits 1 if a check fails or the run could not finish; targets are reported.
 */
async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const watchdog = setTimeout(() => void abortRun(`timed out after ${options.timeoutSeconds} s`), options.timeoutSeconds * 1000);
  watchdog.unref();
  process.once('SIGINT', () => void abortRun('interrupted'));

  const machine = machineInfo();
  console.log(`machine: ${machine.cpu} x${machine.cpus}, ${machine.memGiB} GiB, node ${machine.node}, ${machine.os}`);
  console.log(
    `workload: ${options.inquiries.toLocaleString('en-US')} inquiries over ${options.conversations.toLocaleString('en-US')} conversations and ${options.days} days ` +
      `on ${options.backend}; /slastat ${options.repeat} runs per period, CSV ${options.csvRepeat} runs per period; zone ${options.zone}; ` +
      `forced GC before exports: ${canForceGc ? 'yes' : 'no'}`,
  );
  const bench = await openFresh(options.backend, options.adminUrl);
  try {
    return await measure(bench.db, bench.location, options, machine);
  } catch (error) {
    console.error(`\nFAILED to run\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  } finally {
    await bench.dispose();
  }
}

async function measure(db: Database, location: string, options: BenchOptions, machine: ReturnType<typeof machineInfo>): Promise<number> {
  const server = await serverInfo(db);
  const [settings] = await db.query<Record<string, string>>(
    `SELECT current_setting('shared_buffers') AS shared_buffers, current_setting('work_mem') AS work_mem, current_setting('jit') AS jit,
       current_setting('max_parallel_workers_per_gather') AS parallel`,
  );
  console.log(`\n== ${options.backend}: ${server.version}`);
  console.log(
    `   fsync=${server.fsync}; shared_buffers=${settings?.shared_buffers} work_mem=${settings?.work_mem} jit=${settings?.jit} ` +
      `max_parallel_workers_per_gather=${settings?.parallel}; data: ${location}`,
  );
  const nowMs = Date.now();
  console.log(`-- seeding ${options.inquiries.toLocaleString('en-US')} inquiries ...`);
  let reported = 0;
  const seeded = await seed(db, { inquiries: options.inquiries, conversations: options.conversations, startMs: nowMs - options.days * DAY_MS, nowMs, seed: options.seed }, (done) => {
    if (done - reported >= options.inquiries / 4 || done === options.inquiries) {
      reported = done;
      process.stdout.write(`   ${done.toLocaleString('en-US')} inserted\n`);
    }
  });
  printSeed(seeded);
  const checks: Check[] = await seedChecks(db);

  console.log('-- /slastat ...');
  const slastat: SlastatFigures[] = [];
  for (const name of PERIODS) slastat.push(await benchSlastat(db, name, options.zone, nowMs, options.repeat));
  printSlastat(slastat);
  checks.push(...slastatChecks(slastat));
  const quarter = slastat.find((f) => f.name === 'last-quarter');
  const plans: Record<string, PlanSummary> = {};
  if (quarter?.slowest) {
    plans.report = await explain(db, quarter.slowest);
    printPlan(`/slastat last-quarter, its slowest statement ("${quarter.slowest.name}")`, plans.report);
  }
  if (quarter) {
    plans.baseline = await explain(db, quarter.baselineCall);
    printPlan('the baseline, count(*) over last-quarter', plans.baseline);
  }

  console.log('\n-- CSV exports ...');
  const csv: CsvRun[] = [];
  for (let i = 0; i < options.csvRepeat; i++) {
    for (const name of ['last-month', 'last-quarter'] as const) csv.push(await benchCsv(db, name, options.zone, nowMs, { kind: 'streamed' }));
  }
  const sent = await benchCsv(db, 'last-quarter', options.zone, nowMs, { kind: 'telegram', limitBytes: BOT_API_UPLOAD_LIMIT });
  csv.push(sent);
  // Half the CSV's size, so the gzip path is taken and (CSV shrinks well over 2x) fits at any scale; a fixed 1 MB would refuse a large quarter.
  csv.push(await benchCsv(db, 'last-quarter', options.zone, nowMs, { kind: 'telegram', limitBytes: Math.max(1024, Math.floor(sent.bytes / 2)) }));
  printCsv(csv);
  const slowestPage = csv.filter((r) => r.name === 'last-quarter' && r.sink === 'streamed').map((r) => r.slowestPage)[0];
  if (slowestPage) {
    plans.csvPage = await explain(db, slowestPage);
    printPlan('CSV last-quarter, its slowest page query (2,000 rows after a keyset)', plans.csvPage);
  }
  for (const run of csv) {
    const expected = slastat.find((f) => f.name === run.name)?.rows ?? -1;
    const period = periodOf(run.name, options.zone, nowMs);
    checks.push(...csvChecks(run, expected, period.from, period.to));
  }

  console.log('\n== checks');
  printChecks(checks);
  const targets = [slastatTarget(slastat, options.inquiries), flatMemoryTarget(csv)];
  console.log('\n== targets (reported only)');
  printTargets(targets);
  const pass = checks.every((c) => c.pass);
  console.log(`\noverall: ${pass ? 'PASS' : 'FAIL'}`);
  const csvResult = csv.map(({ head: _head, slowestPage: _page, ...run }) => run);
  const slastatResult = slastat.map(({ slowest: _slowest, baselineCall: _baseline, ...f }) => f);
  console.log(resultLine({ machine, server, options: { ...options, adminUrl: undefined }, seed: seeded, slastat: slastatResult, plans, csv: csvResult, checks, targets, pass }));
  return pass ? 0 : 1;
}

runMain(main);
