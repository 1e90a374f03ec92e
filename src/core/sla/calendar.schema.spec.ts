import { loadRules } from '../config/load-config';
import { ConfigError } from '../config/config-error';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BusinessCalendar } from './business-calendar';
import { toCalendarSpec } from './calendar.schema';

function rulesFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'replywatch-rules-')), 'rules.yaml');
  writeFileSync(file, text);
  return file;
}

function problemsOf(text: string): string {
  try {
    loadRules(rulesFile(text), {});
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('calendars in rules.yaml', () => {
  it('expresses the seed schedule: Mon–Fri 03:00–23:00 and Sat–Sun 10:00–19:00 in UTC+3 with holiday dates', () => {
    const { rules } = loadRules(
      rulesFile(`version: 1
calendars:
  support:
    timezone: Europe/Moscow
    week:
      mon-fri: ["03:00-23:00"]
      sat,sun: ["10:00-19:00"]
    holidays:
      dates: ["2026-11-04"]
  always:
    alwaysOpen: true
`),
      {},
    );
    const support = new BusinessCalendar(toCalendarSpec(rules.calendars.support!));
    const due = support.addBusiness(Date.parse('2026-11-03T19:45:00Z'), 60 * 60_000); // Tue 22:45 Moscow
    expect(new Date(due).toISOString()).toBe('2026-11-05T00:45:00.000Z'); // Thu 03:45 Moscow
    const always = new BusinessCalendar(toCalendarSpec(rules.calendars.always!));
    expect(always.addBusiness(0, 5)).toBe(5);
  });

  it('accepts windows past midnight only when marked +1', () => {
    const { rules } = loadRules(rulesFile('version: 1\ncalendars:\n  nights:\n    timezone: UTC\n    week:\n      mon: ["22:00-06:00+1"]\n'), {});
    expect(rules.calendars.nights?.week?.mon).toEqual([{ start: 1320, end: 360 }]);
    expect(problemsOf('version: 1\ncalendars:\n  c:\n    timezone: UTC\n    week:\n      mon: ["18:00-09:00"]\n')).toMatch(
      /:6:13 calendars\.c\.week\.mon\[0\]: ends before it starts; end it with \+1 if it runs past midnight/,
    );
  });

  it.each([
    ['an unknown time zone', '    timezone: Mars/Olympus\n    week:\n      mon: ["09:00-18:00"]\n', /calendars\.c\.timezone: expected an IANA time zone/],
    ['overlapping windows', '    timezone: UTC\n    week:\n      mon: ["09:00-13:00", "12:00-18:00"]\n', /calendars\.c\.week\.mon\[1\]: overlaps another window/],
    ['a day set twice', '    timezone: UTC\n    week:\n      mon-fri: ["09:00-18:00"]\n      fri: ["10:00-12:00"]\n', /calendars\.c\.week\.fri: fri is set more than once/],
    ['a malformed window', '    timezone: UTC\n    week:\n      mon: ["9-18"]\n', /week\.mon\[0\]: expected a window such as "09:00-18:00"/],
    ['an unknown day', '    timezone: UTC\n    week:\n      mondays: ["09:00-18:00"]\n', /week\.mondays: expected days such as mon, mon-fri/],
    ['a bad holiday date', '    timezone: UTC\n    week:\n      mon: ["09:00-18:00"]\n    holidays:\n      dates: ["2026-13-01"]\n', /holidays\.dates\[0\]: expected a date YYYY-MM-DD/],
    ['no week and not always open', '    timezone: UTC\n', /calendars\.c\.week: expected working windows per day/],
  ])('locates %s', (_name, body, expected) => {
    expect(problemsOf(`version: 1\ncalendars:\n  c:\n${body}`)).toMatch(expected);
  });
});
