import { type InboundMessage } from '../../src/plugins/sdk/message';

export interface InquiryShape {
  conversation: string;
  openedAt: number;
  answeredAt: number | null;
  customerMessages: number;
}

/**
 * The definition intake must agree with, written plainly (as in the integration tests):
 * replay each conversation in time order, duplicates ignored; a customer message opens an
 * inquiry when none is waiting, the next staff message answers it.
 */
export function expectedInquiries(messages: readonly InboundMessage[]): InquiryShape[] {
  const byConversation = new Map<string, Map<string, InboundMessage>>();
  for (const m of messages) {
    const list = byConversation.get(m.conversation.id) ?? new Map<string, InboundMessage>();
    if (!list.has(m.id)) list.set(m.id, m);
    byConversation.set(m.conversation.id, list);
  }
  const out: InquiryShape[] = [];
  for (const [conversation, list] of byConversation) {
    // A customer before staff at the same instant, as the tracker assumes.
    const ordered = [...list.values()].sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime() || rank(a) - rank(b));
    let open: InquiryShape | undefined;
    for (const m of ordered) {
      if (m.author.role === 'customer') {
        if (open) open.customerMessages++;
        else out.push((open = { conversation, openedAt: m.sentAt.getTime(), answeredAt: null, customerMessages: 1 }));
      } else if (m.author.role === 'staff' && open) {
        open.answeredAt = m.sentAt.getTime();
        open = undefined;
      }
    }
  }
  return out;
}

function rank(m: InboundMessage): number {
  return m.author.role === 'customer' ? 0 : 1;
}
