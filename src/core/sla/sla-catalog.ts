import { type Rules } from '../config/rules.schema';
import { BusinessCalendar } from './business-calendar';
import { toCalendarSpec } from './calendar.schema';
import { matchPolicy, type PolicySubject } from './policy-matcher';
import { type Holidays } from './ics-holidays';
import { type Policy } from './policy.schema';

/** The runbook's calendars and policies, ready for computation (calendars built on first use). */
export class SlaCatalog {
  private readonly calendars = new Map<string, BusinessCalendar>();

  private readonly customers = new Map<string, { tier?: string; tags: string[] }>();

  constructor(
    private readonly rules: Pick<Rules, 'calendars' | 'policies'> & Partial<Pick<Rules, 'customers'>>,
    /** Holidays from each calendar's ICS source, by calendar name. */
    private readonly feeds: ReadonlyMap<string, Holidays> = new Map(),
  ) {
    for (const entry of rules.customers ?? []) {
      for (const id of entry.conversations) {
        // An entry without a channel applies on every channel; a channel-specific one wins.
        const key = `${entry.channel ?? '*'}\u0000${id}`;
        this.customers.set(key, { ...(entry.tier ? { tier: entry.tier } : {}), tags: entry.tags });
      }
    }
  }

  get enabled(): boolean {
    return this.rules.policies.length > 0;
  }

  policyFor(subject: PolicySubject, current: string | null): Policy | undefined {
    // An inquiry keeps the policy it was opened under while that policy exists.
    const kept = current === null ? undefined : this.rules.policies.find((p) => p.name === current);
    const customer = this.customers.get(`${subject.channel}\u0000${subject.conversationId}`) ?? this.customers.get(`*\u0000${subject.conversationId}`);
    return kept ?? matchPolicy(this.rules.policies, { ...customer, ...subject });
  }

  calendar(name: string): BusinessCalendar {
    let calendar = this.calendars.get(name);
    if (!calendar) {
      calendar = this.freshCalendar(name);
      this.calendars.set(name, calendar);
    }
    return calendar;
  }

  /**
   * A calendar of its own, for a one-off question (the console's what-if): the shared one
   * keeps every day it has covered, so a question far from now would grow it for good.
   */
  freshCalendar(name: string): BusinessCalendar {
    // Own names only: `constructor` or `__proto__` is no calendar of the rules.
    const config = Object.hasOwn(this.rules.calendars, name) ? this.rules.calendars[name] : undefined;
    if (!config) throw new Error(`unknown calendar "${name}"`);
    const feed = this.feeds.get(name);
    return new BusinessCalendar(toCalendarSpec(config, feed ? { dates: feed.dates, closures: feed.closures } : {}));
  }
}
