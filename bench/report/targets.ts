import { type CsvRun } from './csv';
import { csvSummary, SLASTAT_TARGET_MS } from './print';
import { type SlastatFigures } from './slastat';
import { type Target } from '../shared/report';

/** Flat: the quarter's live heap is within 1.5x the month's, or within this much of it. */
const FLAT_SLACK_MIB = 16;

/** Judged on every measured run (the max), not the median; reported only, never the exit code. */
export function slastatTarget(figures: SlastatFigures[], inquiries: number): Target {
  const description = `/slastat <= ${SLASTAT_TARGET_MS} ms on 1,000,000 inquiries (every measured run of every period)`;
  if (figures.length === 0) return { description, met: null, detail: 'not run' };
  const detail = figures.map((f) => `${f.name} median ${f.report.median.toFixed(0)} / max ${f.report.max.toFixed(0)} ms`).join('; ');
  if (inquiries !== 1_000_000) return { description, met: null, detail: `${detail} — at ${inquiries.toLocaleString('en-US')} inquiries, not judged` };
  return { description, met: figures.every((f) => f.report.max <= SLASTAT_TARGET_MS), detail };
}

/**
 * Judged on the live heap (heapUsed right after a forced full GC): "constant memory" means the
 * export keeps nothing per row, while peak heapUsed mostly counts garbage not yet collected
 * and RSS counts what V8 and the allocator keep reserved. Those two are reported, not judged.
 */
export function flatMemoryTarget(runs: CsvRun[]): Target {
  const description =
    `CSV memory flat: a quarter's live heap (heapUsed after a forced GC, peak - before), streamed and via the Telegram spool, ` +
    `within 1.5x the month's or +${FLAT_SLACK_MIB} MiB (RSS reported, not judged)`;
  const month = csvSummary(runs, 'last-month');
  const quarters = (['streamed', 'telegram'] as const).flatMap((sink) => {
    const summary = csvSummary(runs, 'last-quarter', sink);
    return summary ? [{ sink, ...summary }] : [];
  });
  if (!month || quarters.length === 0) return { description, met: null, detail: 'not run' };
  const mib = (n: number) => `+${n.toFixed(1)} MiB`;
  const informative =
    `RSS ${quarters.map((q) => `${mib(q.rssDelta)} (quarter, ${q.sink})`).join(' / ')} vs ${mib(month.rssDelta)} (month); ` +
    `heap with garbage ${quarters.map((q) => mib(q.heapDelta)).join(' / ')} vs ${mib(month.heapDelta)}`;
  const monthLive = month.liveDelta;
  const live = quarters.map((q) => q.liveDelta);
  if (monthLive === null || !live.every((l): l is number => l !== null)) {
    return { description, met: null, detail: `GC could not be forced, so the live heap was not measured; not judged: ${informative}` };
  }
  const flat = (q: number) => q <= Math.max(1.5 * monthLive, monthLive + FLAT_SLACK_MIB);
  return {
    description,
    met: live.every(flat),
    detail:
      `max over runs: live heap ${quarters.map((q, i) => `${mib(live[i] ?? Number.NaN)} (quarter, ${q.sink})`).join(' / ')} vs ${mib(monthLive)} (month); ` +
      `not judged: ${informative}`,
  };
}
