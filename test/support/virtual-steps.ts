import { type VirtualClock } from '../../src/core/clock/virtual-clock';

const STEP_MS = 10 * 60_000;

/**
 * Moves a running hub's virtual clock to `ms` in steps of ten minutes, letting its loops (the
 * SLA scheduler, the outbox, pollers) act at each step with real I/O in between, and stops
 * early once `settled` holds. Points fire at most a step late, which changes nothing where
 * they only trigger work; a test that reads a point's exact time steps to it.
 */
export async function advanceInSteps(clock: VirtualClock, ms: number, settled: () => boolean | Promise<boolean> = () => false): Promise<void> {
  while (clock.now() < ms) {
    await clock.advanceTo(Math.min(ms, clock.now() + STEP_MS));
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await clock.advance(0);
    }
    if (await settled()) return;
  }
}
