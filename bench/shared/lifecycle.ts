/**
 * What every benchmark run shares: the clean-ups it still owes (run on timeout or Ctrl-C too,
 * so an aborted run leaves no rw_bench_* database or temp directory behind), and its exit.
 */
export const pendingCleanups = new Set<() => Promise<void>>();

/** Drops what this run created (bounded, so a dead server cannot hold the exit) and exits. */
export async function abortRun(reason: string): Promise<void> {
  console.error(`\naborting: ${reason}; cleaning up`);
  const cleanups = [...pendingCleanups].map((cleanup) => cleanup().catch(() => undefined));
  await Promise.race([Promise.all(cleanups), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  process.exit(2);
}

/** Runs `main` and turns its result into the exit code (1 on an unexpected error). */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}

/** A bad command line: the reason, the usage, exit 64. */
export function usageFailure(message: string, usage: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(64);
}

export function positiveInt(name: string, raw: string | undefined, usage: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) usageFailure(`--${name} must be a positive integer, got ${raw}`, usage);
  return value;
}
