import { collectDefaultMetrics, Registry } from 'prom-client';

let processRegistry: Registry | undefined;

/**
 * The process's own metrics (CPU, memory, handles, event-loop delay, GC pauses), one set per
 * process, started by the first scrape.
 *
 * Why not per hub: prom-client's collectors run for the rest of the process and cannot be
 * stopped (a 10 ms event-loop timer and a GC observer). A hub that started its own left them
 * behind when it closed, with everything they reach; a process that starts many hubs (the
 * plugin kit in an integrator's tests, the simulator, this repository's tests) kept every
 * one, each waking a hundred times a second and observing every GC. Why on the first scrape:
 * a hub nobody scrapes has no use for them.
 */
export function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'replywatch_' });
  }
  return processRegistry;
}
