import { type ServerInfo } from '../intake/report';
import { type BaselineFigures } from './baseline';
import { type ResourceFigures } from './resources';
import { perSecond, type LatencySummary } from './stats';
import { type StormFigures } from './storm';
import { type TelegramFigures } from './telegram-load';
import { type Check, printTable } from '../shared/report';

/** A sustained phase counts as keeping up when it stored at least this share of the offered rate. */
export const SUSTAINED_SHARE = 0.95;

export interface TelegramResult {
  backend: string;
  server: ServerInfo;
  location: string;
  workload: { groups: number; sustained: { customer: number; staff: number }; burst: { customer: number; staff: number } };
  baseline: BaselineFigures;
  sustained: TelegramFigures;
  burst: TelegramFigures;
  ratios: Ratios;
  storm: StormFigures | null;
  stormLocation: string | null;
  checks: Check[];
  hubLog: { warnings: number; errors: number; top: Array<{ count: number; text: string }> };
}

export interface Ratios {
  /** Telegram sustained push→stamp over direct call→stamp, per percentile; null where the direct figure is 0 ms. */
  sustainedVsDirectStamp: { p50: number | null; p95: number | null; p99: number | null };
  /** The same as differences: what the connector adds, in ms. */
  addedMs: { p50: number; p95: number; p99: number };
  burstP99VsDirectStampP99: number | null;
  sustainedCpuVsDirectCpu: number | null;
}

export function ratiosOf(baseline: BaselineFigures, sustained: TelegramFigures, burst: TelegramFigures): Ratios {
  const over = (a: number, b: number) => (b > 0 ? a / b : null);
  const t = sustained.latencyMs;
  const d = baseline.stampMs;
  return {
    sustainedVsDirectStamp: { p50: over(t.p50, d.p50), p95: over(t.p95, d.p95), p99: over(t.p99, d.p99) },
    addedMs: { p50: t.p50 - d.p50, p95: t.p95 - d.p95, p99: t.p99 - d.p99 },
    burstP99VsDirectStampP99: over(burst.latencyMs.p99, d.p99),
    sustainedCpuVsDirectCpu: over(sustained.resources.cpuPercent, baseline.resources.cpuPercent),
  };
}

export function printResult(r: TelegramResult): void {
  const { baseline: b, sustained: s, burst: u, ratios } = r;
  console.log(`\n== ${r.backend}: ${r.server.version}`);
  console.log(`   fsync=${r.server.fsync} synchronous_commit=${r.server.synchronousCommit}; data: ${r.location}`);
  const header = ['phase', 'msgs', 'seconds', 'msg/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'CPU %', 'peak RSS MiB', 'commits', 'mean batch'];
  printTable(header, [
    [`direct sink @ ${b.offeredPerSecond}/s, call -> commit`, b.messages, b.seconds, b.perSecond, ...latency(b.resolveMs), ...resources(b.resources), b.intake.batches, b.intake.meanBatch],
    [`direct sink @ ${b.offeredPerSecond}/s, call -> row stamp`, b.stampMs.count, '', '', ...latency(b.stampMs), '', '', '', ''],
    [`telegram sustained @ ${s.offeredPerSecond ?? '?'}/s, push -> row stamp`, s.stored, s.seconds, s.perSecond, ...latency(s.latencyMs), ...resources(s.resources), s.intake.batches, s.intake.meanBatch],
    [`telegram burst of ${u.updates}, push -> row stamp`, u.stored, u.seconds, u.perSecond, ...latency(u.latencyMs), ...resources(u.resources), u.intake.batches, u.intake.meanBatch],
  ]);
  const offered = s.offeredPerSecond ?? 0;
  const keptUp = s.perSecond >= SUSTAINED_SHARE * offered;
  console.log(
    `   sustained: offered ${offered}/s for ${s.updates} updates, stored ${fixed(s.perSecond)}/s (${keptUp ? 'kept up' : `NOT kept up: needs >= ${SUSTAINED_SHARE * offered}/s`}); ` +
      `all confirmed to the Bot API ${seconds(s.confirmedSeconds)} after the first push; ${s.getUpdatesCalls} getUpdates calls; push lag p99 ${fixed(s.sendLagMs.p99)} ms`,
  );
  console.log(
    `   burst: ${u.updates} updates pushed at once; last row stamped after ${fixed(u.seconds)} s (${fixed(u.perSecond)} msg/s); ` +
      `all confirmed after ${seconds(u.confirmedSeconds)}; ${u.getUpdatesCalls} getUpdates calls;\n` +
      `          the push loop itself took ${fixed(u.pushLoopSeconds)} s (the fake Bot API re-sorts its queue on every push; the hub cannot run meanwhile), ` +
      `the last row was stamped ${fixed(u.afterLastPushSeconds)} s after it (${fixed(perSecond(u.stored, u.afterLastPushSeconds * 1000))} msg/s)`,
  );
  console.log(`   direct sink: ${b.errors} accept errors${b.firstError ? ` (first: ${b.firstError})` : ''}; call lag p99 ${fixed(b.sendLagMs.p99)} ms`);
  console.log(
    `   telegram sustained vs direct sink (both to the row stamp): adds p50 ${ratios.addedMs.p50} ms, p95 ${ratios.addedMs.p95} ms, p99 ${ratios.addedMs.p99} ms; ` +
      `ratios p50 ${x(ratios.sustainedVsDirectStamp.p50)}, p95 ${x(ratios.sustainedVsDirectStamp.p95)}, ` +
      `p99 ${x(ratios.sustainedVsDirectStamp.p99)}; burst p99 / direct p99 ${x(ratios.burstP99VsDirectStampP99)}; ` +
      `CPU sustained / direct ${x(ratios.sustainedCpuVsDirectCpu)}`,
  );
  console.log(
    '   (row stamp = messages.received_at, taken at the start of the committing transaction, so a few ms before the commit,\n' +
      '    in whole ms; commits = intake transactions in the phase;\n' +
      '    the fake Bot API, the load generator and the hub share this process: CPU (% of one core) and RSS are upper bounds for the hub' +
      `${r.backend === 'postgres' ? ';\n    the PostgreSQL server runs in its own processes and is not in the CPU figure' : ', embedded database included'})`,
  );
  if (r.storm) printStorm(r.storm, r.stormLocation);
  console.log(`   hub log: ${r.hubLog.warnings} warnings, ${r.hubLog.errors} errors`);
  for (const { count, text } of r.hubLog.top) console.log(`     ${count} x ${text}`);
  for (const c of r.checks) console.log(`   ${c.pass ? 'PASS' : 'FAIL'}  ${c.name} (${c.detail})`);
}

function printStorm(f: StormFigures, location: string | null): void {
  console.log(`\n   429 storm (fresh hub, notify.inquiryOpened: [duty]; data: ${location ?? '?'})`);
  printTable(
    ['measure', 'value'],
    [
      ['notifications (one per opened inquiry)', String(f.notifications)],
      ['429s injected / served', `${f.throttlesInjected} / ${f.throttlesServed} (retry_after ${f.retryAfterSeconds.join(',')} s, sum ${f.injectedWaitSeconds} s)`],
      ['all delivered after', f.seconds === null ? `NOT all (${f.delivered} of ${f.notifications})` : `${fixed(f.seconds)} s`],
      ['pacing floor (1 msg/s per chat)', `${f.pacingFloorSeconds} s (+ up to ${f.injectedWaitSeconds} s of retry_after)`],
      ['sendMessage calls to the duty chat', String(f.sendMessageCalls)],
      ['CPU % / peak RSS MiB', `${fixed(f.resources.cpuPercent)} / ${fixed(f.resources.peakRssMiB)}`],
    ],
  );
}

function latency(l: LatencySummary): number[] {
  return [l.p50, l.p95, l.p99, l.max];
}

function resources(f: ResourceFigures): number[] {
  return [f.cpuPercent, f.peakRssMiB];
}

function x(ratio: number | null): string {
  return ratio === null ? 'n/a (direct 0 ms)' : `${ratio.toFixed(2)}x`;
}

function fixed(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(value >= 10 ? 1 : 2);
}

function seconds(value: number | null): string {
  return value === null ? 'NEVER (drain limit hit)' : `${fixed(value)} s`;
}

