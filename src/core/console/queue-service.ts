import { Inject, Injectable } from '@nestjs/common';
import { type Request } from 'express';
import { CLOCK, type Clock } from '../clock/clock';
import { RulesStore } from '../rules/rules-store';
import { ConversationTags } from './conversation-tags';
import { queryParam } from './form-body';
import { type QueueFilters, type QueueModel } from './pages/queue.page';
import { QueueQuery, type QueueFilter } from './queue-query';
import { queueItems } from './queue-view';
import { type ConsoleRole } from './session-codec';

/** Rows per page: a phone screen's worth many times over, and fast to render at any queue size. */
export const PAGE_SIZE = 100;

const KEPT = ['channel', 'policy', 'tag', 'after'] as const;

/** Reads the queue for one request: its filters and cursor, the page, the totals, the choices. */
@Injectable()
export class QueueService {
  private tagsFor: { customers: unknown; tags: ConversationTags } | undefined;

  constructor(
    private readonly query: QueueQuery,
    private readonly rules: RulesStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** `choices`: read the filter form's options too (the full page; live refreshes do not show the form). */
  async model(req: Request, role: ConsoleRole, options: { choices: boolean }): Promise<QueueModel & { serverNow: number }> {
    const filters: QueueFilters = {};
    for (const name of ['channel', 'policy', 'tag'] as const) {
      const value = queryParam(req, name);
      if (value !== undefined) filters[name] = value;
    }
    const after = queryParam(req, 'after', 400);
    const { rules } = this.rules.current;
    const tags = this.tags(rules.customers);
    const filter: QueueFilter = {
      ...(filters.channel ? { channel: filters.channel } : {}),
      ...(filters.policy ? { policy: filters.policy } : {}),
      ...(filters.tag ? { tagged: tags.withTag(filters.tag) } : {}),
    };
    const [page, totals, waitingChannels] = await Promise.all([this.query.page(filter, after, PAGE_SIZE), this.query.totals(filter), options.choices ? this.query.channels() : ([] as string[])]);
    // The chosen channel stays in the form even when nothing of it is waiting any more.
    const channels = filters.channel && !waitingChannels.includes(filters.channel) ? [...waitingChannels, filters.channel] : waitingChannels;
    const base = new URLSearchParams(Object.entries(filters) as Array<[string, string]>);
    const withAfter = (cursor: string) => {
      const q = new URLSearchParams(base);
      q.set('after', cursor);
      return `?${q.toString()}`;
    };
    return {
      serverNow: this.clock.now(),
      items: queueItems(page.rows, rules, tags),
      totals,
      filters,
      choices: { channels, policies: rules.policies.map((p) => p.name), tags: tags.all },
      nextQuery: page.next === null ? null : withAfter(page.next),
      firstQuery: after === undefined ? null : base.size > 0 ? `?${base.toString()}` : '',
      query: after === undefined ? (base.size > 0 ? `?${base.toString()}` : '') : withAfter(after),
      role,
    };
  }

  /** Only the queue's own parameters survive a round trip through a form: no open redirect. */
  static safeBack(back: string | null): string {
    const given = new URLSearchParams(back?.startsWith('?') ? back.slice(1) : '');
    const kept = new URLSearchParams();
    for (const name of KEPT) {
      const value = given.get(name);
      if (value) kept.set(name, value);
    }
    return kept.size > 0 ? `?${kept.toString()}` : '';
  }

  /** Rebuilt only when the runbook was reloaded. */
  private tags(customers: ConstructorParameters<typeof ConversationTags>[0]): ConversationTags {
    if (this.tagsFor?.customers !== customers) this.tagsFor = { customers, tags: new ConversationTags(customers) };
    return this.tagsFor.tags;
  }
}
