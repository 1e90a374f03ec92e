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
});
