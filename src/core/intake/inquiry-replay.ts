import { randomUUID } from 'node:crypto';
import { type AcceptEffect, type AuthorRole } from '../../plugins/sdk/message';
import { type InquiryStatus } from '../persistence/statuses';
import { type InquiryChange } from './inquiry-tracker';

/** The newest inquiry of a conversation, as far as replaying newer messages needs it. */
export interface InquiryState {
  id: string;
  isNew: boolean;
  dirty: boolean;
  status: InquiryStatus;
  openedAt: Date;
  firstMessageId: number;
  lastCustomerMessageAt: Date;
  customerMessageCount: number;
  answeredAt: Date | null;
  answerMessageId: number | null;
  responderId: string | null;
  responderName: string | null;
  firstResponseMs: number | null;
}

export interface ReplayMessage {
  index: number;
  id: number;
  role: AuthorRole;
  authorId: string;
  authorName: string | null;
  sentAt: Date;
}

export interface ReplayOutcome {
  index: number;
  effect: AcceptEffect;
  inquiryId: string | null;
}

/**
 * Applies messages that are all newer than everything stored for the conversation: then only
 * its newest inquiry matters, and the time-ordered replay (see ADR 0002) is a simple walk.
 * Returns every inquiry state it touched (new or changed) and the changes to log.
 */
export function replayNewer(
  conversationId: number,
  latest: InquiryState | undefined,
  messages: readonly ReplayMessage[],
): { outcomes: ReplayOutcome[]; touched: InquiryState[]; changes: InquiryChange[] } {
  const ordered = [...messages].sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime() || rank(a.role) - rank(b.role) || a.index - b.index);
  const outcomes: ReplayOutcome[] = [];
  const changes: InquiryChange[] = [];
  const touched = new Set<InquiryState>();
  let current = latest;

  for (const m of ordered) {
    if (m.role === 'bot') {
      outcomes.push({ index: m.index, effect: 'none', inquiryId: null });
    } else if (m.role === 'customer') {
      if (current && (isOpen(current) || (current.answeredAt !== null && m.sentAt <= current.answeredAt))) {
        current.customerMessageCount++;
        if (m.sentAt > current.lastCustomerMessageAt) current.lastCustomerMessageAt = m.sentAt;
        current.dirty = true;
        touched.add(current);
        outcomes.push({ index: m.index, effect: 'updated', inquiryId: current.id });
      } else {
        current = openInquiry(m);
        touched.add(current);
        changes.push(change('opened', current.id, conversationId, `customer:${m.authorId}`, m.sentAt, { messageId: m.id }));
        outcomes.push({ index: m.index, effect: 'opened', inquiryId: current.id });
      }
    } else if (current && isOpen(current) && current.openedAt <= m.sentAt) {
      answer(current, m);
      touched.add(current);
      changes.push(
        change('answered', current.id, conversationId, `staff:${m.authorId}`, m.sentAt, { messageId: m.id, firstResponseMs: current.firstResponseMs }),
      );
      outcomes.push({ index: m.index, effect: 'answered', inquiryId: current.id });
    } else {
      outcomes.push({ index: m.index, effect: 'none', inquiryId: null });
    }
  }
  return { outcomes, touched: [...touched], changes };
}

function openInquiry(m: ReplayMessage): InquiryState {
  return {
    id: randomUUID(),
    isNew: true,
    dirty: true,
    status: 'open',
    openedAt: m.sentAt,
    firstMessageId: m.id,
    lastCustomerMessageAt: m.sentAt,
    customerMessageCount: 1,
    answeredAt: null,
    answerMessageId: null,
    responderId: null,
    responderName: null,
    firstResponseMs: null,
  };
}

function answer(state: InquiryState, m: ReplayMessage): void {
  state.status = 'answered';
  state.answeredAt = m.sentAt;
  state.answerMessageId = m.id;
  state.responderId = m.authorId;
  state.responderName = m.authorName;
  state.firstResponseMs = m.sentAt.getTime() - state.openedAt.getTime();
  state.dirty = true;
}

function change(type: InquiryChange['type'], inquiryId: string, conversationId: number, actor: string, occurredAt: Date, data: Record<string, unknown>): InquiryChange {
  return { type, inquiryId, conversationId, actor, occurredAt, data };
}

function isOpen(state: InquiryState): boolean {
  return state.status === 'open' || state.status === 'on_hold';
}

function rank(role: AuthorRole): number {
  return role === 'customer' ? 0 : role === 'staff' ? 1 : 2;
}
