import { type Rules } from '../config/rules.schema';
import { BusinessCalendar } from './business-calendar';
import { toCalendarSpec } from './calendar.schema';
import { matchPolicy, type PolicySubject } from './policy-matcher';
import { type Holidays } from './ics-holidays';
import { type Policy } from './policy.schema';

/** The runbook's calendars and policies, ready for computation (calendars built on first use). */
export class SlaCatalog {
  private readonly calendars = new Map<string, BusinessCalendar>();

  constructor(
    private readonly rules: Pick<Rules, 'calendars' | 'policies'>,
    /** Holidays from each calendar's ICS source, by calendar name. */
    private readonly feeds: ReadonlyMap<string, Holidays> = new Map(),
  ) {}

  get enabled(): boolean {
    return this.rules.policies.length > 0;
  }

  policyFor(subject: PolicySubject, current: string | null): Policy | undefined {
    // An inquiry keeps the policy it was opened under while that policy exists.
    const kept = current === null ? undefined : this.rules.policies.find((p) => p.name === current);
    return kept ?? matchPolicy(this.rules.policies, subject);
  }

  calendar(name: string): BusinessCalendar {
    let calendar = this.calendars.get(name);
    if (!calendar) {
      const config = this.rules.calendars[name];
      if (!config) throw new Error(`unknown calendar "${name}"`);
      const feed = this.feeds.get(name);
      calendar = new BusinessCalendar(toCalendarSpec(config, feed ? { dates: feed.dates, closures: feed.closures } : {}));
      this.calendars.set(name, calendar);
    }
    return calendar;
  }
}
