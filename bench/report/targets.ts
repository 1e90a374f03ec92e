import { type CsvRun } from './csv';
import { csvSummary, SLASTAT_TARGET_MS } from './print';
import { type SlastatFigures } from './slastat';
import { type Target } from '../shared/report';

/** Flat: the quarter's extra memory is within 1.5x the month's, or within this much of it. */
const FLAT_SLACK_MIB = 16;

/** Judged on every measured run (the max), not the median; reported only, never the exit code. */
export function slastatTarget(figures: SlastatFigures[], inquiries: number): Target {
  const description = `/slastat <= ${SLASTAT_TARGET_MS} ms on 1,000,000 inquiries (every measured run of every period)`;
  if (figures.length === 0) return { description, met: null, detail: 'not run' };
  const detail = figures.map((f) => `${f.name} median ${f.report.median.toFixed(0)} / max ${f.report.max.toFixed(0)} ms`).join('; ');
  if (inquiries !== 1_000_000) return { description, met: null, detail: `${detail} — at ${inquiries.toLocaleString('en-US')} inquiries, not judged` };
  return { description, met: figures.every((f) => f.report.max <= SLASTAT_TARGET_MS), detail };
}

export function flatMemoryTarget(runs: CsvRun[]): Target {
  const description = `CSV memory flat: a quarter's extra RSS and heap (peak - before) within 1.5x the month's or +${FLAT_SLACK_MIB} MiB`;
  const month = csvSummary(runs, 'last-month');
  const quarter = csvSummary(runs, 'last-quarter');
  if (!month || !quarter) return { description, met: null, detail: 'not run' };
  const flat = (q: number, m: number) => q <= Math.max(1.5 * m, m + FLAT_SLACK_MIB);
  return {
    description,
    met: flat(quarter.rssDelta, month.rssDelta) && flat(quarter.heapDelta, month.heapDelta),
    detail:
      `max over runs: RSS +${quarter.rssDelta.toFixed(1)} MiB (quarter) vs +${month.rssDelta.toFixed(1)} MiB (month); ` +
      `heap +${quarter.heapDelta.toFixed(1)} vs +${month.heapDelta.toFixed(1)} MiB`,
  };
}
