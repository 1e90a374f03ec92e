import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runSlaDue } from './sla-due.command';
import { UsageError } from './usage-error';

const dir = mkdtempSync(path.join(tmpdir(), 'replywatch-sla-'));
const rules = path.join(dir, 'rules.yaml');
const ics = path.join(dir, 'holidays.ics');
writeFileSync(ics, ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//EN', 'BEGIN:VEVENT', 'UID:1', 'DTSTART;VALUE=DATE:20261105', 'SUMMARY:Day off', 'END:VEVENT', 'END:VCALENDAR'].join('\r\n'));
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
  with-feed:
    timezone: Europe/Moscow
    week:
      mon-fri: ["03:00-23:00"]
    holidays:
      dates: ["2026-11-04"]
      ics: { file: "${'$'}{ICS_FILE}" }
  berlin:
    timezone: Europe/Berlin
    week:
      sun: ["01:00-04:00"]
`,
);

async function run(args: string[]): Promise<string> {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await runSlaDue([...args, '--rules', rules], { ICS_FILE: ics });
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('replywatch sla due', () => {
  it('answers the seed case across the night and a holiday, with the intervals used', async () => {
    const out = await run(['--calendar', 'support', '--from', '2026-11-03T22:45:00+03:00', '--minutes', '60']);
    expect(out).toContain('due: 2026-11-05T03:45:00+03:00');
    expect(out).toContain('2026-11-03T22:45:00+03:00 → 2026-11-03T23:00:00+03:00  15 min');
    expect(out).toContain('2026-11-05T03:00:00+03:00 → 2026-11-05T03:45:00+03:00  45 min');
  });

  it('takes holidays from the calendar\'s ICS file as well', async () => {
    const out = await run(['--calendar', 'with-feed', '--from', '2026-11-03T22:45:00+03:00', '--minutes', '60']);
    expect(out).toContain('due: 2026-11-06T03:45:00+03:00'); // Wednesday listed, Thursday from the file
  });

  it('prints JSON with offsets across a DST change', async () => {
    const json = JSON.parse(await run(['--calendar', 'berlin', '--from', '2026-03-29T00:30:00+01:00', '--minutes', '90', '--json'])) as { due: string; intervals: unknown[] };
    expect(json.due).toBe('2026-03-29T03:30:00+02:00'); // 01:00–02:00 CET, then 03:00–03:30 CEST
    expect(json.intervals).toHaveLength(1);
  });

  it('explains wrong input', async () => {
    await expect(run(['--calendar', 'nope', '--from', '2026-11-03T22:45:00Z', '--minutes', '60'])).rejects.toThrow('no calendar "nope" in the rules (calendars: support, with-feed, berlin)');
    await expect(run(['--calendar', 'support', '--from', '2026-11-03T22:45', '--minutes', '60'])).rejects.toThrow(UsageError);
    await expect(run(['--calendar', 'support', '--from', '2026-11-03T22:45:00Z', '--minutes', '-5'])).rejects.toThrow('--minutes');
  });
});
