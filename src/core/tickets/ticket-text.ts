import { type ConversationRef } from '../../plugins/sdk/payloads';
import { titleOf } from '../outbox/payload-builder';

/** Helpdesks cut summaries at a few hundred characters; a cut of our own reads better. */
const SUMMARY_LIMIT = 200;
/** The customer's words in a ticket; the conversation link leads to the rest. */
const MESSAGE_LIMIT = 4000;

export interface OpeningFacts {
  messageId: number;
  text: string;
  authorId: string;
  authorName: string | null;
  sentAt: Date;
}

export function ticketSummary(conversation: ConversationRef, opening: OpeningFacts): string {
  const firstLine = opening.text.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
  return clip(firstLine === '' ? titleOf(conversation) : `${titleOf(conversation)}: ${firstLine}`, SUMMARY_LIMIT);
}

/** Plain text, so that every helpdesk shows it as written. */
export function ticketDescription(input: { conversation: ConversationRef; opening: OpeningFacts; policy: string; dueAt: string; raisedBy: string }): string {
  const { conversation, opening } = input;
  const who = opening.authorName ? `${opening.authorName} (${opening.authorId})` : opening.authorId;
  return [
    clip(opening.text, MESSAGE_LIMIT),
    '',
    `Customer: ${who}`,
    `Conversation: ${titleOf(conversation)} (${conversation.channel} ${conversation.id})`,
    ...(conversation.link ? [`Open it: ${conversation.link}`] : []),
    `Written: ${opening.sentAt.toISOString()}`,
    `SLA policy: ${input.policy}, first response due ${input.dueAt}`,
    `Raised by Replywatch: ${input.raisedBy}`,
  ].join('\n');
}

/**
 * A later inquiry in a conversation that already has an open ticket. Its message is quoted
 * unless the ticket already has it (`copied`: the follower brought it over as it arrived).
 */
export function newInquiryComment(input: { conversation: ConversationRef; opening: OpeningFacts; raisedBy: string; copied: boolean }): string {
  const who = input.opening.authorName ?? input.opening.authorId;
  const at = input.opening.sentAt.toISOString();
  return [
    ...(input.copied ? [`New inquiry: the message from ${who} at ${at} (above) is waiting for an answer.`] : [`New inquiry from ${who} at ${at}:`, clip(input.opening.text, MESSAGE_LIMIT)]),
    '',
    ...(input.conversation.link ? [`Open it: ${input.conversation.link}`] : []),
    `Raised by Replywatch: ${input.raisedBy}`,
  ].join('\n');
}

/** An email address when the channel's author id is one (mail), for a helpdesk's requester. */
export function emailOf(authorId: string): string | null {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(authorId) ? authorId.toLowerCase() : null;
}

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** The customer's messages that came after the ticket last heard from the conversation. */
export function followedMessages(messages: ReadonlyArray<{ authorId: string; authorName: string | null; sentAt: Date; text: string }>, more: boolean): string {
  const lines = messages.map((m) => `[${m.sentAt.toISOString()}] ${m.authorName ?? m.authorId}: ${clip(m.text, MESSAGE_LIMIT)}`);
  return [`The customer wrote ${messages.length === 1 ? 'again' : `${messages.length} more messages`}:`, ...lines, ...(more ? ['(more follow in the next comment)'] : [])].join('\n');
}
