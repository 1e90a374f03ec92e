import { type ReportFilter } from './sla-report';

export interface ReportScope {
  /** A condition on `inquiries i`, placeholders $1.. numbered from 1. */
  where: string;
  params: unknown[];
}

/**
 * The inquiries a report covers: opened in [from, to) and matching the filter. Conversations
 * are consulted only when the filter names them (a semi-join), so an unfiltered report reads
 * inquiries alone; joining 20,000 conversations to every row cost a third of a quarter's
 * /slastat (bench/report).
 */
export function reportScope(from: Date, to: Date, filter: ReportFilter): ReportScope {
  const params: unknown[] = [from, to];
  const place = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const onInquiry = ['i.opened_at >= $1', 'i.opened_at < $2'];
  if (filter.policy !== undefined) onInquiry.push(`i.policy = ${place(filter.policy)}`);
  const onConversation: string[] = [];
  if (filter.channel !== undefined) onConversation.push(`c.channel = ${place(filter.channel)}`);
  if (filter.conversation !== undefined) onConversation.push(`c.external_id = ${place(filter.conversation)}`);
  if (filter.conversations !== undefined) onConversation.push(`c.external_id = ANY(${place(filter.conversations)}::text[])`);
  if (onConversation.length > 0) onInquiry.push(`i.conversation_id IN (SELECT c.id FROM conversations c WHERE ${onConversation.join(' AND ')})`);
  return { where: onInquiry.join(' AND '), params };
}
