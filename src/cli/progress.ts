/** At most this often the line is redrawn: a fast loop must not flood a slow terminal. */
const REDRAW_MS = 100;

export interface Progress {
  /** Shows `text` (and the seconds since the start) in place of the previous line. */
  update(text: string): void;
  /** Draws the last text again, with the seconds brought up to date. */
  refresh(): void;
  /** Removes the line, leaving the terminal as it was. */
  done(): void;
}

const SILENT: Progress = { update: () => undefined, refresh: () => undefined, done: () => undefined };

/**
 * One updating line on standard error while a long command works, for a person at a terminal.
 * Piped or redirected (no TTY), it writes nothing: scripts and logs see only the result.
 */
export function progress(stream: NodeJS.WriteStream = process.stderr, now: () => number = Date.now): Progress {
  if (!stream.isTTY) return SILENT;
  const start = now();
  let text: string | undefined;
  let drawn = false;
  let last = -Infinity;
  const draw = (force: boolean) => {
    const at = now();
    if (text === undefined || (!force && at - last < REDRAW_MS)) return;
    last = at;
    const seconds = Math.floor((at - start) / 1000);
    const line = `${text}${seconds > 0 ? ` (${seconds} s)` : ''}`;
    // \r and "erase line": the new text replaces the old however long either is.
    stream.write(`\r\x1b[2K${line.slice(0, Math.max(10, (stream.columns || 80) - 1))}`);
    drawn = true;
  };
  return {
    update(next) {
      text = next;
      draw(false);
    },
    refresh: () => draw(true),
    done() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
      text = undefined;
    },
  };
}

/** Runs `work` with a line saying what it waits for, ticking the seconds, removed when it ends. */
export async function withProgress<T>(text: string, work: () => Promise<T>, line: Progress = progress()): Promise<T> {
  line.update(text);
  const tick = setInterval(() => line.refresh(), 1000);
  tick.unref();
  try {
    return await work();
  } finally {
    clearInterval(tick);
    line.done();
  }
}
