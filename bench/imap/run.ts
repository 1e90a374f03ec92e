import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { mailConfigSchema } from '../../src/connectors/mail/mail.config';
import { type Backend } from '../../src/core/persistence/database';
import { intakeView, scrapeIntake, type IntakeCounters } from '../http/hub-metrics';
import { scratchPostgres } from '../intake/databases';
import { machineInfo, resultLine } from '../intake/report';
import { abortRun, pendingCleanups, runMain } from '../shared/lifecycle';
import { check, printTargets } from '../shared/report';
import { measureImapBaselines } from './baselines';
import { benchDovecot, MAILBOX_USER } from './dovecot';
import { catchUpFigures, liveFigures } from './figures';
import { cleanExit, startMailHub, waitForMailbox, type MailHubProcess } from './hub';
import { AppendPool, customerMails } from './mailer';
import { parseOptions, type ImapBenchOptions } from './options';
import { type BackendRun, printRun, targetsOf } from './report';
import { readStored, storedOnce } from './stored';

const ACCOUNT = 'bench';
const INBOX_IDLING = `${ACCOUNT}/INBOX: idling`;
/** A phase gives up waiting when the hub committed nothing new for this long (the checks then fail). */
const STALL_LIMIT_MS = 60_000;
const MAILBOX_LIMIT_MS = 120_000;

/**
 * IMAP mail connector benchmark: a throwaway Dovecot and the hub started as an operator starts
 * it, watching the INBOX; customer mail APPENDed over IMAP while the hub idles, then while it
 * is stopped (read after a restart); baselines from the same run; then the stored-once checks
 * on the hub's database. Exits 1 if a check fails (figures are reported).
 */
async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (!existsSync('dist/cli.js')) throw new Error('dist/cli.js is missing: run `npm run build` first (npm run bench:imap does)');
  const watchdog = setTimeout(() => void abortRun(`timed out after ${options.timeoutSeconds} s`), options.timeoutSeconds * 1000);
  watchdog.unref();
  process.once('SIGINT', () => void abortRun('interrupted (SIGINT)'));
  const machine = machineInfo();
  console.log(`machine: ${machine.cpu} x${machine.cpus}, ${machine.memGiB} GiB, node ${machine.node}, ${machine.os}`);
  console.log(
    `live ${options.live} mails at ${options.rate}/s (after ${options.warmup} warm-up), catch-up ${options.catchUp} mails; ` +
      `${options.connections} appending connections; hub: node dist/cli.js start, mail connector defaults`,
  );
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

async function benchBackend(backend: Backend, options: ImapBenchOptions): Promise<BackendRun> {
  const runId = randomBytes(4).toString('hex');
  const password = `bench-${randomBytes(9).toString('base64url')}`;
  const dovecot = await benchDovecot(password);
  const dir = await mkdtemp(path.join(tmpdir(), 'replywatch-bench-imap-'));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  pendingCleanups.add(removeDir);
  let drop = () => Promise.resolve();
  let hub: MailHubProcess | undefined;
  const stopHub = async () => {
    const running = hub;
    hub = undefined;
    return running ? running.stop() : 'not running';
  };
  const stopOnAbort = async () => void (await stopHub());
  pendingCleanups.add(stopOnAbort);
  try {
    const { server } = dovecot;
    const mail = { accounts: [{ name: ACCOUNT, host: server.host, port: server.port, tls: 'none', user: MAILBOX_USER, password, us: ['example.test'] }] };
    // The connector's own defaults (batch size, fetch bytes, text cap), for the baselines.
    const settings = mailConfigSchema.parse(mail);
    const database = await hubDatabase(backend, options.adminUrl, dir);
    drop = database.drop;
    console.log(`\n-- ${backend}: Dovecot on ${server.host}:${server.port}, hub database ${database.location}`);
    const pool = await AppendPool.open(server, options.connections);
    const hubExits: string[] = [];
    try {
      hub = await startMailHub({ dir, database: database.section, mail });
      await waitForMailbox(hub, INBOX_IDLING, MAILBOX_LIMIT_MS);
      console.log(`   hub pid ${hub.pid} idling on ${ACCOUNT}/INBOX; warm-up ${options.warmup} mails ...`);
      const warm = await pool.append(customerMails('warm', options.warmup, runId), options.rate);
      await waitCommitted(hub, options.warmup, zero());
      const before = await scrapeIntake(hub.baseUrl);
      console.log(`   live: ${options.live} mails at ${options.rate}/s over ${pool.connections} connections ...`);
      const live = await pool.append(customerMails('live', options.live, runId), options.rate);
      const liveUntil = await waitCommitted(hub, options.live, before);
      const liveView = intakeView(before, liveUntil);
      hubExits.push(await stopHub());
      const lastLiveUid = live.appended.reduce((max, a) => Math.max(max, a.uid), 0);

      console.log(`   hub stopped (${hubExits[0]}); catch-up: appending ${options.catchUp} mails ...`);
      const catchUp = await pool.append(customerMails('catchup', options.catchUp, runId), Infinity);
      hub = await startMailHub({ dir, database: database.section, mail });
      const restarted = hub;
      // Idling again means the watcher read (and the hub committed) everything new; /metrics is
      // asked only then, since on the embedded database every scrape queues behind intake.
      const idleAt = await waitForMailbox(restarted, INBOX_IDLING, MAILBOX_LIMIT_MS);
      const caughtUp = await waitCommitted(restarted, options.catchUp, zero());
      hubExits.push(await stopHub());
      console.log(`   caught up; hub stopped (${hubExits[1]}); baselines ...`);

      const stored = await readStored(database.section);
      const baselines = await measureImapBaselines(server, MAILBOX_USER, lastLiveUid, settings, backend, options.adminUrl);
      const liveRun = liveFigures(live, stored, options.rate, pool.connections, liveView);
      const catchUpRun = catchUpFigures(catchUp, stored, pool.connections, { spawnedAt: restarted.spawnedAt, readyAt: restarted.readyAt, idleAt }, intakeView(zero(), caughtUp));
      const checks = [
        ...hubExits.map((how, i) => check(`the hub stopped cleanly on SIGTERM (${i === 0 ? 'after the live phase' : 'after the catch-up'})`, cleanExit(how), how)),
        ...storedOnce(stored, [...warm.appended, ...live.appended, ...catchUp.appended]),
      ];
      return { backend, location: database.location, live: liveRun, catchUp: catchUpRun, baselines, checks, hubExits };
    } finally {
      await stopHub();
      pendingCleanups.delete(stopOnAbort);
      await pool.close();
    }
  } finally {
    // Each clean-up runs even when one before it failed.
    const cleanup = (what: string, step: () => Promise<unknown>) => step().catch((error: unknown) => console.error(`   cleanup (${what}) failed: ${String(error)}`));
    await cleanup('database', drop);
    pendingCleanups.delete(removeDir);
    if (options.keep) console.log(`   kept ${dir} (hub.yaml, hub.log${backend === 'pglite' ? ', data' : ''})`);
    else await cleanup('temp directory', removeDir);
    await cleanup('Dovecot', () => dovecot.dispose());
  }
}

/**
 * Polls the hub's /metrics until `count` more messages than `from` are committed; gives up when
 * nothing new was committed for STALL_LIMIT_MS. The figures come from the database, not from
 * here: this only decides when a phase is over, and runs only once the appends are done.
 */
async function waitCommitted(hub: MailHubProcess, count: number, from: IntakeCounters): Promise<IntakeCounters> {
  let last = from.committedMessages;
  let progressAt = performance.now();
  for (;;) {
    const now = await scrapeIntake(hub.baseUrl);
    if (now.committedMessages - from.committedMessages >= count) return now;
    if (now.committedMessages !== last) {
      last = now.committedMessages;
      progressAt = performance.now();
    } else if (performance.now() - progressAt > STALL_LIMIT_MS) {
      console.log(`   note: the hub committed ${now.committedMessages - from.committedMessages} of ${count} and nothing more for ${STALL_LIMIT_MS / 1000} s; going on`);
      console.log(await hub.logTail(20));
      return now;
    }
    await sleep(250);
  }
}

function zero(): IntakeCounters {
  return { batches: 0, batchedMessages: 0, committedMessages: 0, commitSecondsSum: 0 };
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
