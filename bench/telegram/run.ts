import { setTimeout as sleep } from 'node:timers/promises';
import { machineInfo, resultLine, serverInfo } from '../intake/report';
import { abortRun, runMain } from '../shared/lifecycle';
import { mulberry32 } from '../shared/random';
import { runBaseline } from './baseline';
import { inquiriesMatch, storedOnce } from './checks';
import { HubLog } from './hub-log';
import { BASELINE_CHANNEL, startBenchHub } from './hub';
import { parseOptions, type BenchOptions } from './options';
import { ConversationReplay } from './replay';
import { printResult, ratiosOf, type TelegramResult } from './report';
import { runStorm } from './storm';
import { runTelegramPhase } from './telegram-load';
import { warmUp } from './warmup';
import { buildBurst, buildSustained, type PhaseWorkload } from './workload';
import { type Check, check } from '../shared/report';

/** Unmeasured traffic before the baseline. */
const WARMUP_SECONDS = 5;
/** Between the sustained phase and the burst, so the burst's Telegram dates are a later second. */
const PAUSE_BEFORE_BURST_MS = 1500;

interface Workloads {
  sustained: PhaseWorkload;
  burst: PhaseWorkload;
  /** Expected inquiries after the sustained workload (the direct sink gets only that one). */
  afterSustained: ConversationReplay;
  /** After sustained and burst (the Telegram channel gets both). */
  afterBurst: ConversationReplay;
}

/**
 * Telegram connector benchmark, on the real clock: a hub polling a fake Bot API on loopback.
 * Baseline (the same workload straight into IntakeService), sustained load, a burst, then the
 * correctness checks; then a 429 storm on a second, fresh hub. Exits 1 if a check fails or a
 * phase could not run (the figures themselves are only reported).
 */
async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const watchdog = setTimeout(() => void abortRun(`timed out after ${options.timeoutSeconds} s`), options.timeoutSeconds * 1000);
  watchdog.unref();
  // process.on, not once: the hub's own shutdown hook re-raises the signal after closing itself.
  let aborting = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (aborting) return;
    aborting = true;
    void abortRun(`interrupted (${signal})`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const machine = machineInfo();
  console.log(`machine: ${machine.cpu} x${machine.cpus}, ${machine.memGiB} GiB, node ${machine.node}, ${machine.os}`);
  const workloads = buildWorkloads(options);
  const { sustained, burst } = workloads;
  console.log(
    `workload: ${options.groups} customer supergroups; sustained ${sustained.events.length} updates at ${options.rate}/s for ${options.seconds} s ` +
      `(${sustained.customer} customer, ${sustained.staff} staff); burst ${burst.events.length} at once (${burst.customer} customer, ${burst.staff} staff); ` +
      `429 storm: ${options.notifications} notifications, ${options.throttles} injected 429s; backend ${options.adminUrl === null ? 'pglite' : 'postgres'}`,
  );

  const log = new HubLog();
  const failures: Array<{ phase: string; error: string }> = [];
  let result: TelegramResult | undefined;
  try {
    result = await benchLoad(options, workloads, log);
  } catch (error) {
    console.error(`\n== load phases: FAILED to run\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    failures.push({ phase: 'load', error: error instanceof Error ? error.message : String(error) });
  }
  if (result) {
    try {
      console.log(`\n-- 429 storm: a fresh hub with notify.inquiryOpened, ${options.notifications} inquiries, ${options.throttles} x 429 on sendMessage ...`);
      const storm = await runStorm(options, log);
      result.storm = storm.figures;
      result.stormLocation = storm.location;
      result.checks.push(...storm.checks);
    } catch (error) {
      console.error(`\n== 429 storm: FAILED to run\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      failures.push({ phase: '429 storm', error: error instanceof Error ? error.message : String(error) });
    }
    result.hubLog = { warnings: log.warnings, errors: log.errors, top: log.summary() };
    printResult(result);
  }

  const pass = failures.length === 0 && result !== undefined && result.checks.every((c) => c.pass);
  console.log(`\noverall: ${pass ? 'PASS' : 'FAIL'}`);
  console.log(resultLine({ machine, options: { ...options, adminUrl: undefined, backend: options.adminUrl === null ? 'pglite' : 'postgres' }, result, failures, pass }));
  return pass ? 0 : 1;
}

function buildWorkloads(options: BenchOptions): Workloads {
  const random = mulberry32(options.seed);
  const replay = new ConversationReplay();
  const sustained = buildSustained(options.groups, options.rate, options.seconds, random, replay);
  const afterSustained = replay.snapshot();
  const burst = buildBurst(options.burst, options.groups, random, replay);
  return { sustained, burst, afterSustained, afterBurst: replay };
}

async function benchLoad(options: BenchOptions, workloads: Workloads, log: HubLog): Promise<TelegramResult> {
  console.log(`\n-- starting a fake Bot API and a hub (Telegram connector, polling) on a fresh ${options.adminUrl === null ? 'embedded' : 'PostgreSQL'} database ...`);
  const hub = await startBenchHub({ adminUrl: options.adminUrl, notifyOpened: false, logger: log });
  try {
    const server = await serverInfo(hub.db);
    console.log(`-- warm-up: ${WARMUP_SECONDS} s at ${options.rate}/s, unmeasured (direct sink on its own channel, plain messages in the duty chat) ...`);
    await warmUp(hub, options.rate, WARMUP_SECONDS);
    console.log(`-- baseline: ${workloads.sustained.events.length} messages at ${options.rate}/s straight into IntakeService (channel "${BASELINE_CHANNEL}") ...`);
    const baseline = await runBaseline(hub, workloads.sustained, options.rate);
    console.log(`-- sustained: ${workloads.sustained.events.length} updates at ${options.rate}/s through the fake Bot API ...`);
    const sustained = await runTelegramPhase(hub, workloads.sustained, options.rate);
    await sleep(PAUSE_BEFORE_BURST_MS);
    console.log(`-- burst: ${workloads.burst.events.length} updates at once ...`);
    const burst = await runTelegramPhase(hub, workloads.burst, null);

    const violations = hub.peer.violations();
    const checks: Check[] = [
      check('direct sink: no accept() failed', baseline.figures.errors === 0, `${baseline.figures.errors} errors${baseline.figures.firstError ? `, first: ${baseline.figures.firstError}` : ''}`),
      await storedOnce(hub.db, BASELINE_CHANNEL, baseline.keys, 'direct sink'),
      await inquiriesMatch(hub.db, BASELINE_CHANNEL, workloads.afterSustained, 'direct sink'),
      check(
        'telegram: every update confirmed to the Bot API',
        sustained.figures.confirmedSeconds !== null && burst.figures.confirmedSeconds !== null,
        `${hub.peer.pendingUpdateCount} unconfirmed`,
      ),
      await storedOnce(hub.db, 'telegram', [...sustained.keys, ...burst.keys], 'telegram (sustained + burst)'),
      await inquiriesMatch(hub.db, 'telegram', workloads.afterBurst, 'telegram (sustained + burst)'),
      check('telegram: nothing sent to a customer chat', violations.length === 0, `${violations.length} calls`),
    ];
    return {
      backend: hub.backend,
      server,
      location: hub.location,
      workload: {
        groups: options.groups,
        sustained: { customer: workloads.sustained.customer, staff: workloads.sustained.staff },
        burst: { customer: workloads.burst.customer, staff: workloads.burst.staff },
      },
      baseline: baseline.figures,
      sustained: sustained.figures,
      burst: burst.figures,
      ratios: ratiosOf(baseline.figures, sustained.figures, burst.figures),
      storm: null,
      stormLocation: null,
      checks,
      hubLog: { warnings: 0, errors: 0, top: [] },
    };
  } finally {
    await hub.stop();
  }
}

runMain(main);
