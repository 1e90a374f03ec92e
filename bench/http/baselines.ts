import { type Backend } from '../../src/core/persistence/database';
import { runBaselines } from '../intake/baselines';
import { openFresh } from '../intake/databases';
import { runClosedLoop as runInProcess } from '../intake/intake-load';
import { buildWorkload } from '../intake/workload';

export interface HttpBaselines {
  /** One INSERT of one row per commit, one statement at a time: what fsync allows. */
  singleRowPerSecond: number;
  /** IntakeService.accept() in this process, 64 concurrent callers, no HTTP. */
  inProcessPerSecond: number;
  inProcessP99Ms: number;
}

/** Both baselines, each on a fresh database of the backend (not the hub's: it holds the lock). */
export async function measureBaselines(backend: Backend, adminUrl: string, singleRows: number, inProcessMessages: number, conversations: number): Promise<HttpBaselines> {
  const workload = buildWorkload(Math.max(singleRows, inProcessMessages), conversations, 7, Date.now());
  const raw = await openFresh(backend, adminUrl);
  let singleRowPerSecond: number;
  try {
    singleRowPerSecond = (await runBaselines(raw.db, { ...workload, messages: workload.messages.slice(0, singleRows) }, singleRows, 100)).singleRow.perSecond;
  } finally {
    await raw.dispose();
  }
  const intake = await openFresh(backend, adminUrl);
  try {
    const figures = await runInProcess(intake.db, { ...workload, messages: workload.messages.slice(0, inProcessMessages) }, 64, 200);
    if (figures.errors > 0) throw new Error(`in-process intake baseline: ${figures.errors} errors, first: ${figures.firstError}`);
    return { singleRowPerSecond, inProcessPerSecond: figures.perSecond, inProcessP99Ms: figures.latencyMs.p99 };
  } finally {
    await intake.dispose();
  }
}
