import { readFile } from 'node:fs/promises';

/** Linux's clock tick (USER_HZ) is 100 on every common build: one tick is 10 ms. */
const MS_PER_TICK = 10;

/** utime + stime of a process so far, in ms, from /proc (0 where there is none). */
export async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The command name (field 2) may hold spaces; the fields after its ')' are space-separated.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? ticks * MS_PER_TICK : 0;
}

export interface MachineCpu {
  busyMs: number;
  totalMs: number;
}

/** The whole machine's CPU time so far (all cores), busy and in all, from /proc/stat. */
export async function machineCpu(): Promise<MachineCpu> {
  const line = (await readFile('/proc/stat', 'utf8').catch(() => '')).split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, t) => sum + (Number.isFinite(t) ? t : 0), 0);
  // idle and iowait: waiting is not work.
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busyMs: (total - idle) * MS_PER_TICK, totalMs: total * MS_PER_TICK };
}

/** Share of the machine busy between two readings, 0–1 (all cores together). */
export function busyShare(before: MachineCpu, after: MachineCpu): number {
  const total = after.totalMs - before.totalMs;
  return total > 0 ? (after.busyMs - before.busyMs) / total : 0;
}
