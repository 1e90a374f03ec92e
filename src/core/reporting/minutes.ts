const MINUTE = 60_000;

/** Milliseconds from the database as minutes with one decimal, the unit every report shows. */
export function toMinutes(ms: number | string | null | undefined): number | null {
  return ms === null || ms === undefined ? null : roundTenth(Number(ms) / MINUTE);
}

export function roundTenth(value: number): number {
  return Math.round(value * 10) / 10;
}
