/** A message the bench posted: when its POST started and when the hub answered it (committed). */
export interface Sent {
  start: number;
  committed: number;
}

/** The queue's waiting total as the page showed it, and since when (browser clock, epoch ms). */
export interface Shown {
  t: number;
  n: number;
}

export interface PhaseFigures {
  sent: number;
  /** Messages per second actually posted (first POST to last answer). */
  rate: number;
  delayP50: number;
  delayP95: number;
  delayMax: number;
  /** How long the POSTs themselves took (intake's share of the delay, before the page can know). */
  postP50: number;
  postP95: number;
  /**
   * Messages posted (POST started) but not yet counted on the page, sampled each second while
   * posting and after. By POST start, not answer: the page may count a message before its
   * answer reaches the bench, and a lag below zero would be noise.
   */
  lagSamples: number[];
  lagMax: number;
  /** The highest lag at any 100 ms step: the samples fall at one point of the page's 1 s refresh cycle. */
  lagPeak: number;
  /** From the last answer until the page showed every message; null: it never did. */
  caughtUpMs: number | null;
  /** Highest lag in the last third of the posting window less that of the first third. */
  lagGrowth: number;
}

/**
 * What one phase's records say: the delay from each message's POST to the page's total
 * counting it (the k-th committed message counts once the total is base + k), and how far
 * behind the page was each second.
 */
export function figures(sent: readonly Sent[], shown: readonly Shown[], base: number): PhaseFigures {
  const commits = [...sent].sort((a, b) => a.committed - b.committed);
  const reached = (k: number) => shown.find((s) => s.n >= base + k)?.t;
  const delays = commits.map((s, i) => (reached(i + 1) ?? Number.NaN) - s.start).filter((d) => Number.isFinite(d));
  const first = Math.min(...sent.map((s) => s.start));
  const last = commits[commits.length - 1]?.committed ?? first;
  const lagAt = (t: number) => sent.filter((s) => s.start <= t).length - Math.max(0, ([...shown].reverse().find((s) => s.t <= t)?.n ?? base) - base);
  const lagSamples: number[] = [];
  for (let t = first + 1000; t <= last + 3000; t += 1000) lagSamples.push(lagAt(t));
  let lagPeak = 0;
  for (let t = first; t <= last + 3000; t += 100) lagPeak = Math.max(lagPeak, lagAt(t));
  const posting = lagSamples.slice(0, Math.max(1, Math.floor((last - first) / 1000)));
  const third = Math.max(1, Math.floor(posting.length / 3));
  const all = reached(commits.length);
  return {
    sent: sent.length,
    // n messages span n - 1 intervals.
    rate: round(Math.max(1, sent.length - 1) / Math.max(0.001, (last - first) / 1000), 1),
    delayP50: percentile(delays, 0.5),
    delayP95: percentile(delays, 0.95),
    delayMax: delays.length > 0 ? Math.max(...delays) : Number.NaN,
    postP50: percentile(sent.map((s) => s.committed - s.start), 0.5),
    postP95: percentile(sent.map((s) => s.committed - s.start), 0.95),
    lagSamples,
    lagMax: Math.max(0, ...lagSamples),
    lagPeak,
    caughtUpMs: all === undefined ? null : Math.max(0, all - last),
    lagGrowth: Math.max(...posting.slice(-third)) - Math.max(...posting.slice(0, third)),
  };
}

export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
