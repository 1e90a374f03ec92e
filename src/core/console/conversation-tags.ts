import { type Rules } from '../config/rules.schema';

export interface ConversationKey {
  channel: string;
  id: string;
}

/**
 * The tags the runbook's `customers:` gives each conversation, read as the policy matcher
 * reads them: an entry naming the channel wins over one without.
 */
export class ConversationTags {
  private readonly byKey = new Map<string, readonly string[]>();
  readonly all: readonly string[];

  constructor(customers: Rules['customers']) {
    for (const entry of customers) for (const id of entry.conversations) this.byKey.set(key(entry.channel ?? '*', id), entry.tags);
    this.all = [...new Set(customers.flatMap((c) => c.tags))].sort();
  }

  of(conversation: ConversationKey): readonly string[] {
    return this.byKey.get(key(conversation.channel, conversation.id)) ?? this.byKey.get(key('*', conversation.id)) ?? [];
  }

  /**
   * The conversations carrying `tag`, for the queue's SQL: exact channel and id pairs, ids on
   * any channel, and the pairs an entry for their own channel takes the tag away from.
   */
  withTag(tag: string): { pairs: ConversationKey[]; anyChannel: string[]; except: ConversationKey[] } {
    const pairs: ConversationKey[] = [];
    const anyChannel: string[] = [];
    const except: ConversationKey[] = [];
    for (const [k, tags] of this.byKey) {
      const [channel = '', id = ''] = k.split('\u0000');
      if (channel === '*') {
        if (tags.includes(tag)) anyChannel.push(id);
      } else if (tags.includes(tag)) pairs.push({ channel, id });
      else except.push({ channel, id });
    }
    return { pairs, anyChannel, except };
  }
}

function key(channel: string, id: string): string {
  return `${channel}\u0000${id}`;
}
