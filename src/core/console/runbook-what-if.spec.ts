import { rulesSchema } from '../config/rules.schema';
import { SlaCatalog } from '../sla/sla-catalog';
import { whatIf } from './runbook-what-if';

const rules = rulesSchema.parse({
  version: 1,
  calendars: { closed: { timezone: 'UTC', week: { mon: [] } }, office: { timezone: 'Europe/Berlin', week: { 'mon-fri': ['09:00-18:00'] } } },
});
const now = Date.UTC(2026, 11, 4, 15, 30);
const ask = (query: Parameters<typeof whatIf>[0]) => whatIf(query, rules, new SlaCatalog(rules), now);

describe('whatIf', () => {
  it('reads a start without offset in the calendar’s zone, and an empty one as now', () => {
    const local = ask({ calendar: 'office', from: '2026-12-04T17:30', minutes: '30' });
    expect(local.ok && local.result.due.local).toBe('2026-12-04T18:00:00+01:00');
    const fromNow = ask({ calendar: 'office', minutes: '30' });
    expect(fromNow.ok && fromNow.result.start.at).toBe(now);
  });

  it('says so, instead of failing, when the calendar has too little working time for the minutes', () => {
    expect(ask({ calendar: 'closed', minutes: '1' })).toEqual({ ok: false, error: 'Calendar "closed" has too little working time: no deadline within 40 years.' });
  });

  it('refuses a start more than a year away, and leaves the scheduler’s calendar as it was', () => {
    const sla = new SlaCatalog(rules);
    const shared = sla.calendar('office');
    const covered = JSON.stringify(shared);
    for (const from of ['9999-12-31T00:00', '0000-01-01T00:00', '2028-01-01T00:00']) {
      expect(whatIf({ calendar: 'office', from, minutes: '30' }, rules, sla, now)).toEqual({ ok: false, error: 'Clock starts: expected a time within a year of now.' });
    }
    expect(whatIf({ calendar: 'office', from: '2027-11-30T10:00', minutes: '30' }, rules, sla, now).ok).toBe(true);
    expect(JSON.stringify(sla.calendar('office'))).toBe(covered);
  });

  it('knows only the rules’ own calendars, not names every object has', () => {
    for (const name of ['constructor', '__proto__', 'toString']) {
      const answer = ask({ calendar: name, minutes: '30' });
      expect(answer.ok).toBe(false);
      expect(!answer.ok && answer.error).toContain(`"${name}"`);
    }
  });
});
