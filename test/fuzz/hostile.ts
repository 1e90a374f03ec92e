import fc from 'fast-check';
import { type Database } from '../../src/core/persistence/database';

/**
 * Fixed seed and a bounded count in CI; `REPLYWATCH_FUZZ_RUNS=5000 REPLYWATCH_FUZZ_SEED=…`
 * for a longer local run (docs/TESTING.md). A failure prints the seed and the shrunk input.
 */
export const FUZZ = {
  seed: Number(process.env.REPLYWATCH_FUZZ_SEED ?? 20261201),
  numRuns: Number(process.env.REPLYWATCH_FUZZ_RUNS ?? 300),
};

/** Code units a sender's bug or malice puts in text: NUL, halves of surrogate pairs, controls. */
const NASTY_UNITS = ['\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\ufffe', '\uffff', '\u202e', '\u0007', '\r', '\n', '"', "'", '\\', '=', '+', '-', '@', '%', ';', '`'];

const unit = fc.oneof(
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom(...NASTY_UNITS) },
);

/** Strings of any Unicode, broken Unicode included, and shapes that look like SQL or formulas. */
export const hostileString = (maxLength = 40): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit, maxLength }),
    fc.constantFrom("' OR '1'='1", '1; DROP TABLE messages', '=HYPERLINK("http://x","y")', '../../etc/passwd', '%00', '${HUB}', '__proto__', 'constructor', ''),
    fc.string({ unit: 'binary-ascii', maxLength }),
    fc.constant('x'.repeat(600)),
  );

/** Instants in every shape: zero dates, far futures, no offset, numbers, garbage. */
export const hostileDate: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('0001-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '1799-12-31T23:59:59Z', '9999-12-31T23:59:59Z', '+275760-09-13T00:00:00Z', '2026-13-45T99:99:99Z', '2026-11-30T10:00:00', '2026-11-30', 'now', ''),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.integer(),
  fc.double(),
  hostileString(30),
);

/** Any JSON-ish value, deep or odd, as a field may be given instead of what was expected. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(hostileString(20), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }));

/** Counts of every table a request can write; equal before and after means nothing was stored. */
export interface StoredCounts {
  conversations: number;
  messages: number;
  inquiries: number;
  inquiry_events: number;
  deliveries: number;
  ingest_receipts: number;
}

export async function storedCounts(db: Database): Promise<StoredCounts> {
  const tables = ['conversations', 'messages', 'inquiries', 'inquiry_events', 'deliveries', 'ingest_receipts'];
  const [row] = await db.query<StoredCounts>(`SELECT ${tables.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ')}`);
  return row as StoredCounts;
}

/**
 * Event-loop stalls while `work` runs, in ms: the longest, and the 99th percentile of the
 * samples. A tick is due every 10 ms; each late tick counts only the CPU time this process
 * spent meanwhile, so a stall is the hub computing (a hostile input's cost), not the system
 * running the other test files of the suite on the same cores. The inputs that froze the hub
 * computed for seconds, far past either limit.
 */
export async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number; p99StallMs: number }> {
  const samples: number[] = [];
  let lastWall = performance.now();
  let lastCpu = process.cpuUsage();
  const ticker = setInterval(() => {
    const wall = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const late = wall - lastWall - TICK_MS;
    samples.push(Math.max(0, Math.min(late, (cpu.user + cpu.system) / 1000 - TICK_MS)));
    lastWall = wall;
    lastCpu = process.cpuUsage();
  }, TICK_MS);
  try {
    const result = await work();
    samples.sort((a, b) => a - b);
    const p99 = samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.99))] ?? 0;
    return { result, stallMs: samples.at(-1) ?? 0, p99StallMs: p99 };
  } finally {
    clearInterval(ticker);
  }
}

const TICK_MS = 10;
