import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runSlaDue } from './sla-due.command';
import { UsageError } from './usage-error';

const rules = path.join(mkdtempSync(path.join(tmpdir(), 'replywatch-sla-')), 'rules.yaml');
writeFileSync(
  rules,
  `version: 1
calendars:
  support:
    timezone: Europe/Moscow
    week:
      mon-fri: ["03:00-23:00"]
      sat-sun: ["10:00-19:00"]
    holidays:
      dates: ["2026-11-04"]
  berlin:
    timezone: Europe/Berlin
    week:
      sun: ["01:00-04:00"]
`,
);

function run(args: string[]): string {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    runSlaDue([...args, '--rules', rules], {});
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('replywatch sla due', () => {
  it('answers the seed case across the night and a holiday, with the intervals used', () => {
    const out = run(['--calendar', 'support', '--from', '2026-11-03T22:45:00+03:00', '--minutes', '60']);
    expect(out).toContain('due: 2026-11-05T03:45:00+03:00');
    expect(out).toContain('2026-11-03T22:45:00+03:00 → 2026-11-03T23:00:00+03:00  15 min');
    expect(out).toContain('2026-11-05T03:00:00+03:00 → 2026-11-05T03:45:00+03:00  45 min');
  });

  it('prints JSON with offsets across a DST change', () => {
    const json = JSON.parse(run(['--calendar', 'berlin', '--from', '2026-03-29T00:30:00+01:00', '--minutes', '90', '--json'])) as { due: string; intervals: unknown[] };
    expect(json.due).toBe('2026-03-29T03:30:00+02:00'); // 01:00–02:00 CET, then 03:00–03:30 CEST
    expect(json.intervals).toHaveLength(1);
  });

  it('explains wrong input', () => {
    expect(() => run(['--calendar', 'nope', '--from', '2026-11-03T22:45:00Z', '--minutes', '60'])).toThrow('no calendar "nope" in the rules (calendars: support, berlin)');
    expect(() => run(['--calendar', 'support', '--from', '2026-11-03T22:45', '--minutes', '60'])).toThrow(UsageError);
    expect(() => run(['--calendar', 'support', '--from', '2026-11-03T22:45:00Z', '--minutes', '-5'])).toThrow('--minutes');
  });
});
