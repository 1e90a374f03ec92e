import { BusinessCalendar } from '../../src/core/sla/business-calendar';
import { type NamedCalendar } from './calendars';
import { MINUTE_MS, NaiveCalendar } from './naive-calendar';
import { mulberry32 } from '../shared/random';

/** Start instants are whole minutes drawn uniformly over 2026. */
const YEAR_START = Date.parse('2026-01-01T00:00:00Z');
const YEAR_MINUTES = 365 * 1440;
/** addBusiness: 1..600 business minutes. */
const MAX_BUSINESS_MINUTES = 600;
/** businessBetween: spans of 0..3 days. */
const MAX_SPAN_MINUTES = 3 * 1440;
const WARMUP_OPS = 100_000;

export interface Throughput {
  ops: number;
  seconds: number;
  perSecond: number;
}

export interface Agreement {
  samples: number;
  mismatches: number;
  /** The first few differences, for the report. */
  examples: string[];
}

export interface CalendarFigures {
  name: string;
  description: string;
  /** new BusinessCalendar plus its first addBusiness (builds ~400 days of intervals), ms. */
  coldFirstCallMs: number;
  addBusiness: Throughput;
  businessBetween: Throughput;
  naiveAddBusiness: Throughput;
  naiveBusinessBetween: Throughput;
  /** Interval ops/s divided by naive ops/s, same run, same inputs. */
  addBusinessRatio: number;
  businessBetweenRatio: number;
  /** The naive results against the interval calendar's for the same inputs; must be exact. */
  agreeAddBusiness: Agreement;
  agreeBusinessBetween: Agreement;
}

interface Inputs {
  from: Float64Array;
  /** addBusiness amounts in minutes. */
  minutes: Float64Array;
  /** businessBetween ends. */
  to: Float64Array;
}

/**
 * ops/s of BusinessCalendar.addBusiness and businessBetween on random whole-minute inputs
 * (warm: after WARMUP_OPS calls, which also build intervals over the whole year), then the
 * naive minute-stepping implementation on the first `baselineOps` of the same inputs, whose
 * results must equal the interval calendar's exactly.
 */
export function benchCalendar(calendar: NamedCalendar, ops: number, baselineOps: number, seed: number): CalendarFigures {
  const inputs = draw(Math.max(ops, baselineOps), seed);

  const coldStart = performance.now();
  const real = new BusinessCalendar(calendar.spec);
  real.addBusiness(inputs.from[0] as number, (inputs.minutes[0] as number) * MINUTE_MS);
  const coldFirstCallMs = performance.now() - coldStart;

  warmUp(real, inputs, Math.min(ops, WARMUP_OPS));
  const addBusiness = timeAddBusiness(real, inputs, ops);
  const businessBetween = timeBusinessBetween(real, inputs, ops);

  const naive = new NaiveCalendar(calendar.spec);
  const naiveAdd = timeNaive(baselineOps, (i) => naive.addBusiness(inputs.from[i] as number, inputs.minutes[i] as number));
  const naiveBetween = timeNaive(baselineOps, (i) => naive.businessBetween(inputs.from[i] as number, inputs.to[i] as number));

  const agreeAddBusiness = compare(naiveAdd.results, (i) => real.addBusiness(inputs.from[i] as number, (inputs.minutes[i] as number) * MINUTE_MS), (i) =>
    `addBusiness(${iso(inputs.from[i])}, ${inputs.minutes[i]} min)`,
  );
  const agreeBusinessBetween = compare(naiveBetween.results, (i) => real.businessBetween(inputs.from[i] as number, inputs.to[i] as number), (i) =>
    `businessBetween(${iso(inputs.from[i])}, ${iso(inputs.to[i])})`,
  );
  return {
    name: calendar.name,
    description: calendar.description,
    coldFirstCallMs,
    addBusiness,
    businessBetween,
    naiveAddBusiness: naiveAdd.throughput,
    naiveBusinessBetween: naiveBetween.throughput,
    addBusinessRatio: addBusiness.perSecond / naiveAdd.throughput.perSecond,
    businessBetweenRatio: businessBetween.perSecond / naiveBetween.throughput.perSecond,
    agreeAddBusiness,
    agreeBusinessBetween,
  };
}

function draw(count: number, seed: number): Inputs {
  const random = mulberry32(seed);
  const from = new Float64Array(count);
  const minutes = new Float64Array(count);
  const to = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const start = YEAR_START + Math.floor(random() * YEAR_MINUTES) * MINUTE_MS;
    from[i] = start;
    minutes[i] = 1 + Math.floor(random() * MAX_BUSINESS_MINUTES);
    to[i] = start + Math.floor(random() * (MAX_SPAN_MINUTES + 1)) * MINUTE_MS;
  }
  return { from, minutes, to };
}

/**
 * Results are summed and the sum checked, so no call can be optimized away (and a NaN from
 * the calendar would not pass unnoticed).
 */
function consume(sum: number): void {
  if (!Number.isFinite(sum)) throw new Error('BusinessCalendar returned a non-finite result');
}

function warmUp(real: BusinessCalendar, inputs: Inputs, count: number): void {
  let sum = 0;
  for (let i = 0; i < count; i++) {
    sum += real.addBusiness(inputs.from[i] as number, (inputs.minutes[i] as number) * MINUTE_MS);
    sum += real.businessBetween(inputs.from[i] as number, inputs.to[i] as number);
  }
  consume(sum);
}

function timeAddBusiness(real: BusinessCalendar, inputs: Inputs, count: number): Throughput {
  const { from, minutes } = inputs;
  let sum = 0;
  const started = performance.now();
  for (let i = 0; i < count; i++) sum += real.addBusiness(from[i] as number, (minutes[i] as number) * MINUTE_MS);
  const elapsed = performance.now() - started;
  consume(sum);
  return throughput(count, elapsed);
}

function timeBusinessBetween(real: BusinessCalendar, inputs: Inputs, count: number): Throughput {
  const { from, to } = inputs;
  let sum = 0;
  const started = performance.now();
  for (let i = 0; i < count; i++) sum += real.businessBetween(from[i] as number, to[i] as number);
  const elapsed = performance.now() - started;
  consume(sum);
  return throughput(count, elapsed);
}

function timeNaive(count: number, op: (i: number) => number): { throughput: Throughput; results: Float64Array } {
  const results = new Float64Array(count);
  const started = performance.now();
  for (let i = 0; i < count; i++) results[i] = op(i);
  return { throughput: throughput(count, performance.now() - started), results };
}

function compare(expected: Float64Array, actual: (i: number) => number, describe: (i: number) => string): Agreement {
  const examples: string[] = [];
  let mismatches = 0;
  for (let i = 0; i < expected.length; i++) {
    const got = actual(i);
    if (got === expected[i]) continue;
    mismatches++;
    if (examples.length < 3) examples.push(`${describe(i)}: naive ${format(expected[i] as number)}, BusinessCalendar ${format(got)}`);
  }
  return { samples: expected.length, mismatches, examples };
}

function throughput(ops: number, ms: number): Throughput {
  return { ops, seconds: ms / 1000, perSecond: ms > 0 ? (ops * 1000) / ms : 0 };
}

function iso(ms: number | undefined): string {
  return new Date(ms ?? NaN).toISOString();
}

/** An instant (ISO) or a duration (minutes), whichever the number looks like. */
function format(value: number): string {
  return value > 1e11 ? new Date(value).toISOString() : `${value / MINUTE_MS} min`;
}
