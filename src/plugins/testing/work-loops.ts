import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  ConnectorError,
  type Clock,
  type ConnectorLogger,
  type ScheduledJob,
  type ScheduleOptions,
  type SchedulerService,
  type SingletonHandle,
  type SingletonService,
} from '../sdk';

type Work = (signal: AbortSignal) => Promise<void>;

const RETRY_AFTER_FAILURE_MS = 1000;

/** Loops started by a context, so that dispose() can stop what a connector forgot to. */
export class LoopRegistry {
  private readonly running = new Map<string, { readonly stop: () => Promise<void> }>();

  constructor(
    private readonly clock: Clock,
    private readonly logger: ConnectorLogger,
  ) {}

  /**
   * The single replica always holds the lease. When `work` resolves it is called again; when
   * it throws, again after `retryAfterMs` of a ConnectorError or 1 s, on the context clock.
   */
  readonly singleton: SingletonService = {
    run: (name: string, work: Work): SingletonHandle => {
      const handle = this.start(`singleton ${name}`, async (signal) => {
        while (!signal.aborted) {
          try {
            await work(signal);
            // A work function that returns at once must not starve I/O (the peer, the test).
            await nextTurn();
          } catch (error) {
            if (signal.aborted) break;
            this.logger.warn(`singleton ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
            await this.clock.sleep(retryDelay(error), signal);
          }
        }
      });
      return { get held() { return !handle.stopped; }, stop: handle.stop };
    },
  };

  /** Runs at fixed due times on the context clock; a run that overran skips the missed ones. */
  readonly scheduler: SchedulerService = {
    every: (name: string, intervalMs: number, work: Work, options?: ScheduleOptions): ScheduledJob => {
      if (!(intervalMs > 0)) throw new Error(`scheduler.every("${name}"): intervalMs must be positive`);
      const handle = this.start(`job ${name}`, async (signal) => {
        let due = this.clock.now() + (options?.initialDelayMs ?? 0);
        while (!signal.aborted) {
          await this.clock.sleep(Math.max(0, due - this.clock.now()), signal);
          if (signal.aborted) break;
          try {
            await work(signal);
          } catch (error) {
            if (signal.aborted) break;
            this.logger.warn(`job ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
          }
          // Sleeping until the next due time yields to the event loop, even when it is due at once.
          due += intervalMs;
          while (due <= this.clock.now()) due += intervalMs;
        }
      });
      return { stop: handle.stop };
    },
  };

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.values()].map((loop) => loop.stop()));
  }

  private start(key: string, loop: Work): { readonly stopped: boolean; readonly stop: () => Promise<void> } {
    // Two loops under one name would both run in the hub's single-replica case too: a bug.
    if (this.running.has(key)) throw new Error(`${key} is already running`);
    const controller = new AbortController();
    const done = loop(controller.signal).catch((error: unknown) => {
      this.logger.error(`${key} stopped unexpectedly: ${error instanceof Error ? error.message : String(error)}`);
    });
    const state = {
      stopped: false,
      stop: async (): Promise<void> => {
        state.stopped = true;
        controller.abort();
        await done;
        if (this.running.get(key) === state) this.running.delete(key);
      },
    };
    this.running.set(key, state);
    return state;
  }
}

function retryDelay(error: unknown): number {
  if (ConnectorError.is(error) && typeof error.retryAfterMs === 'number' && error.retryAfterMs >= 0) return error.retryAfterMs;
  return RETRY_AFTER_FAILURE_MS;
}
