import perfHooks from 'node:perf_hooks';
import { Metrics } from './metrics';
import { processMetrics } from './process-metrics';

describe('process metrics', () => {
  it('are not started by hubs, only by the first scrape, and once per process', async () => {
    const loopMonitors = jest.spyOn(perfHooks, 'monitorEventLoopDelay');
    const observed = jest.spyOn(perfHooks.PerformanceObserver.prototype, 'observe');
    try {
      // Hub instances come and go in one process (the plugin kit, the simulator): none of
      // them may leave a process-wide collector running.
      for (let i = 0; i < 3; i++) new Metrics();
      expect(loopMonitors).not.toHaveBeenCalled();
      expect(observed).not.toHaveBeenCalled();

      const first = processMetrics();
      const second = processMetrics();
      expect(second).toBe(first);
      expect(loopMonitors).toHaveBeenCalledTimes(1);
      expect(observed).toHaveBeenCalledTimes(1);
      const text = await first.metrics();
      expect(text).toMatch(/^replywatch_process_cpu_user_seconds_total \d/m);
      expect(text).toContain('replywatch_nodejs_eventloop_lag_seconds');
    } finally {
      loopMonitors.mockRestore();
      observed.mockRestore();
    }
  });
});
