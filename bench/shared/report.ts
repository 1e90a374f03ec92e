/** Printing and verdicts every benchmark shares: correctness checks, targets, aligned tables. */

export interface Check {
  name: string;
  pass: boolean;
  detail: string;
}

export function check(name: string, pass: boolean, detail: string): Check {
  return { name, pass, detail };
}

export interface Target {
  description: string;
  /** null: not judged (the phase that would judge it did not run). */
  met: boolean | null;
  detail: string;
}

export function printChecks(checks: readonly Check[]): void {
  for (const c of checks) console.log(`   ${c.pass ? 'PASS' : 'FAIL'}  ${c.name} (${c.detail})`);
}

export function printTargets(targets: readonly Target[]): void {
  for (const t of targets) {
    const verdict = t.met === null ? 'NOT JUDGED' : t.met ? 'MET' : 'MISSED';
    console.log(`   target ${t.description}: ${verdict} (${t.detail})`);
  }
}

export function cell(value: string | number): string {
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return '-';
  if (Number.isInteger(value)) return String(value);
  return value >= 100 ? value.toFixed(0) : value.toFixed(2);
}

/** The first `textColumns` columns are left-aligned, the rest right-aligned. */
export function printTable(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>, textColumns = 1): void {
  const cells = rows.map((r) => r.map(cell));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const format = (r: readonly string[]) => '   ' + r.map((v, i) => (i < textColumns ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  ');
  console.log(format(header));
  for (const r of cells) console.log(format(r));
}
