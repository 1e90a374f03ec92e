import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;

/** Parses `250ms`, `30s`, `5m`, `1.5h`, `2d` into milliseconds; undefined if malformed. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] as keyof typeof UNIT_MS;
  return Math.round(amount * UNIT_MS[unit]);
}

/** A duration written as `30s`, `5m`, `1h` (or a plain number of milliseconds), in ms. */
export const durationSchema = z.union([z.number().int().nonnegative(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration such as 30s, 5m, 1h or 250ms' });
    return z.NEVER;
  }
  return ms;
});

/** A duration of at least `minMs`; `hint` says the minimum the way people write it. */
export function durationAtLeast(minMs: number, hint: string) {
  return durationSchema.refine((ms) => ms >= minMs, `expected at least ${hint}`);
}
