import { type Policy } from './policy.schema';

export interface PolicySubject {
  channel: string;
  conversationId: string;
  /** Text of the inquiry's first message. */
  firstMessage: string;
  tier?: string;
  tags?: readonly string[];
}

/** The first policy whose conditions all hold (policies are tried in the order written). */
export function matchPolicy(policies: readonly Policy[], subject: PolicySubject): Policy | undefined {
  const text = subject.firstMessage.toLowerCase();
  return policies.find((policy) => {
    const m = policy.match;
    if (m.channel !== undefined && m.channel !== subject.channel) return false;
    if (m.conversations !== undefined && !m.conversations.includes(subject.conversationId)) return false;
    if (m.tier !== undefined && m.tier !== subject.tier) return false;
    if (m.tags !== undefined && !m.tags.some((tag) => subject.tags?.includes(tag))) return false;
    if (m.keywords !== undefined && !m.keywords.some((word) => text.includes(word.toLowerCase()))) return false;
    return true;
  });
}

export function isCatchAll(policy: Policy): boolean {
  return Object.values(policy.match).every((condition) => condition === undefined);
}
