import { mulberry32 } from '../shared/random';
import { type InboundMessage } from '../../src/plugins/sdk/message';

export const CHANNEL = 'bench';

export interface Workload {
  /** In arrival order; duplicates are copies of earlier messages (a connector redelivering). */
  messages: InboundMessage[];
  unique: number;
  duplicates: number;
  customer: number;
  staff: number;
}

const CUSTOMER_SHARE = 0.7;
const DUPLICATE_SHARE = 0.01;
/** Redeliveries come soon after the original, as from a connector retrying after a timeout. */
const DUPLICATE_WINDOW = 2000;
/** Average gap between two messages of one conversation. */
const CONVERSATION_GAP_MS = 3000;
const STAFF_AGENTS = 20;

/**
 * A deterministic stream: conversations picked at random, send times increasing through the
 * run and ending a minute before `now`, so intake never clamps a future timestamp and every
 * conversation sees its messages in time order (the common case the hub is tuned for).
 */
export function buildWorkload(count: number, conversations: number, seed: number, now: number): Workload {
  const random = mulberry32(seed);
  const spacing = Math.max(1, CONVERSATION_GAP_MS / conversations);
  const start = now - 60_000 - count * spacing;
  const messages: InboundMessage[] = [];
  const originals: InboundMessage[] = [];
  let customer = 0;
  let duplicates = 0;
  for (let i = 0; i < count; i++) {
    if (originals.length > 0 && random() < DUPLICATE_SHARE) {
      const from = Math.max(0, originals.length - DUPLICATE_WINDOW);
      const original = originals[from + Math.floor(random() * (originals.length - from))];
      if (original) {
        messages.push({ ...original, conversation: { ...original.conversation }, author: { ...original.author } });
        duplicates++;
        continue;
      }
    }
    const conversation = `c${Math.floor(random() * conversations)}`;
    const isCustomer = random() < CUSTOMER_SHARE;
    if (isCustomer) customer++;
    const message: InboundMessage = {
      conversation: { id: conversation, title: `Chat ${conversation}` },
      id: `m${i}`,
      text: isCustomer ? `Hello, my order for ${conversation} has not arrived (message ${i})` : `We are looking into it (message ${i})`,
      sentAt: new Date(Math.floor(start + i * spacing)),
      author: isCustomer ? { id: `customer-${conversation}`, role: 'customer' } : { id: `agent-${i % STAFF_AGENTS}`, role: 'staff' },
    };
    messages.push(message);
    originals.push(message);
  }
  return { messages, unique: originals.length, duplicates, customer, staff: originals.length - customer };
}
