import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { machineInfo, resultLine } from '../intake/report';
import { abortRun, pendingCleanups, runMain } from '../shared/lifecycle';
import { printTargets } from '../shared/report';
import { type Configuration, type ConfigurationRun, runConfiguration } from './configuration';
import { parseOptions } from './options';
import { Peer } from './peer';
import { printConfiguration, printSummary, targetsOf, nameOf } from './report';
import { busyShare, machineCpu } from './resources';

const QUIET_CHECK_MS = 1000;
const QUIET_SHARE = 0.15;

/**
 * Outbox benchmark: the hub started as an operator starts it, on PostgreSQL, delivering signed
 * webhooks to a local peer — healthy, then after an outage — at each outbox.concurrency, then
 * as two replicas; the wire baseline from the same run. Exits 1 if a check fails (figures are
 * reported).
 */
async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (!existsSync('dist/cli.js')) throw new Error('dist/cli.js is missing: run `npm run build` first (npm run bench:outbox does)');
  const watchdog = setTimeout(() => void abortRun(`timed out after ${options.timeoutSeconds} s`), options.timeoutSeconds * 1000);
  watchdog.unref();
  // Ctrl-C, or a `timeout` around the run: the hubs, the peer and the database still go.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void abortRun(`interrupted (${signal})`));
  const machine = machineInfo();
  console.log(`machine: ${machine.cpu} x${machine.cpus}, ${machine.memGiB} GiB, node ${machine.node}, ${machine.os}`);
  console.log(
    `${options.deliveries} deliveries (${options.deliveries / options.endpoints} inquiries x ${options.endpoints} webhook targets), ` +
      `${options.rate > 0 ? `offered at ${options.rate}/s` : 'queued at once'}; outage: ${options.outageDeliveries} queued, ${options.outageSeconds} s down; ` +
      `hub: node dist/cli.js start, PostgreSQL`,
  );
  const before = await machineCpu();
  await sleep(QUIET_CHECK_MS);
  const busy = busyShare(before, await machineCpu());
  // The hubs, PostgreSQL and the peer share 2 cores: someone else's load halves the figures.
  if (busy > QUIET_SHARE) console.log(`note: the machine was ${(busy * 100).toFixed(0)} % busy before the run started (other processes); figures will be low`);
  const secrets = { ingest: whsec(), webhook: whsec() };
  const peer = await Peer.start(secrets.webhook);
  const closePeer = () => peer.close();
  pendingCleanups.add(closePeer);
  const dir = await mkdtemp(path.join(tmpdir(), 'replywatch-bench-outbox-'));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  pendingCleanups.add(removeDir);
  const configurations: Configuration[] = [
    ...options.concurrency.map((concurrency) => ({ replicas: 1, concurrency })),
    ...(options.replicaConcurrency > 0 ? [{ replicas: 2, concurrency: options.replicaConcurrency }] : []),
  ];
  const runs: ConfigurationRun[] = [];
  try {
    for (const configuration of configurations) {
      console.log(`\n-- ${nameOf(configuration)}: peer ${peer.url}`);
      const run = await runConfiguration(configuration, options, peer, secrets, dir);
      printConfiguration(run);
      runs.push(run);
    }
  } finally {
    await peer.close();
    pendingCleanups.delete(closePeer);
    pendingCleanups.delete(removeDir);
    if (options.keep) console.log(`   kept ${dir} (hub-N.yaml, rules.yaml, hub-N.log)`);
    else await removeDir();
  }
  printSummary(runs, options.deliveries, options.outageDeliveries);
  const targets = targetsOf(runs);
  console.log('');
  printTargets(targets);
  console.log(resultLine({ options: { ...options, adminUrl: undefined }, runs, targets }));
  return runs.every((run) => run.checks.every((c) => c.pass)) ? 0 : 1;
}

function whsec(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

runMain(main);
