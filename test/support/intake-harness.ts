import { intakeSchema } from '../../src/core/config/hub-config.schema';
import { StaffRoster } from '../../src/core/staff/staff-roster';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { VirtualClock } from '../../src/core/clock/virtual-clock';
import { rulesSchema, type Rules } from '../../src/core/config/rules.schema';
import { IntakeService } from '../../src/core/intake/intake.service';
import { Metrics } from '../../src/core/observability/metrics';
import { type Database } from '../../src/core/persistence/database';
import { RulesStore } from '../../src/core/rules/rules-store';
import { type InboundMessage } from '../../src/plugins/sdk/message';

export function rules(input: Record<string, unknown> = {}): Rules {
  return rulesSchema.parse({ version: 1, ...input });
}

export function createIntake(db: Database, options: { rules?: Rules; clock?: VirtualClock; maxBatch?: number; maxQueued?: number } = {}) {
  const events = new EventEmitter2();
  const clock = options.clock ?? new VirtualClock('2026-11-02T18:00:00Z');
  const intake = new IntakeService(db, clock, intakeSchema.parse({ maxBatch: options.maxBatch ?? 200, ...(options.maxQueued ? { maxQueued: options.maxQueued } : {}) }), new RulesStore(options.rules ?? rules()), events, new Metrics(), new StaffRoster(db, clock));
  return { intake, events, clock };
}

let counter = 0;

/** A message in the normalized shape; `at` is an ISO instant or minutes after 12:00 UTC. */
export function message(conversation: string, role: 'customer' | 'staff' | 'bot', at: string | number, id?: string): InboundMessage {
  const sentAt = typeof at === 'number' ? new Date(Date.parse('2026-11-02T12:00:00Z') + at * 60_000) : new Date(at);
  return {
    conversation: { id: conversation, title: `Chat ${conversation}` },
    id: id ?? `m${++counter}`,
    text: `${role} says hi`,
    sentAt,
    author: { id: role === 'customer' ? 'client-1' : role === 'staff' ? 'agent-1' : 'bot-1', role },
  };
}

export interface InquiryShape {
  conversation: string;
  opened_at: string;
  answered_at: string | null;
  customer_message_count: number;
}

export async function inquiryShapes(db: Database): Promise<InquiryShape[]> {
  const rows = await db.query<{ conversation: string; opened_at: Date; answered_at: Date | null; customer_message_count: number }>(
    `SELECT c.external_id AS conversation, i.opened_at, i.answered_at, i.customer_message_count
     FROM inquiries i JOIN conversations c ON c.id = i.conversation_id ORDER BY c.external_id, i.opened_at`,
  );
  return rows.map((r) => ({
    conversation: r.conversation,
    opened_at: r.opened_at.toISOString(),
    answered_at: r.answered_at?.toISOString() ?? null,
    customer_message_count: r.customer_message_count,
  }));
}

/**
 * The definition the tracker must agree with, written as plainly as possible: replay each
 * conversation in time order (a customer before staff at the same instant); a customer
 * message opens an inquiry when none is waiting, the next staff message answers it.
 */
export function expectedInquiries(messages: readonly InboundMessage[]): InquiryShape[] {
  const byConversation = new Map<string, InboundMessage[]>();
  for (const m of messages) {
    if (m.author.role === 'bot') continue;
    byConversation.set(m.conversation.id, [...(byConversation.get(m.conversation.id) ?? []), m]);
  }
  const out: InquiryShape[] = [];
  for (const [conversation, list] of [...byConversation.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const ordered = [...list].sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime() || rank(a) - rank(b));
    let open: InquiryShape | undefined;
    for (const m of ordered) {
      if (m.author.role === 'customer') {
        if (open) open.customer_message_count++;
        else out.push((open = { conversation, opened_at: m.sentAt.toISOString(), answered_at: null, customer_message_count: 1 }));
      } else if (open) {
        open.answered_at = m.sentAt.toISOString();
        open = undefined;
      }
    }
  }
  return out;
}

function rank(m: InboundMessage): number {
  return m.author.role === 'customer' ? 0 : 1;
}
