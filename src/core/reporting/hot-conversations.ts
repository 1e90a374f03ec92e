import { type HotConversation } from '../../plugins/sdk/services';
import { type Sql } from '../persistence/database';
import { toMinutes } from './minutes';
import { type ReportScope } from './report-scope';

/** The shape connectors receive from the reports service, so it is the SDK's. */
export { type HotConversation };

/**
 * The conversations with the most breaches in a report's scope, then the slowest first
 * responses: one source for the report's "hot" list and for /hot. Ranked by conversation id
 * first and joined to conversations for the kept rows only, which keeps a quarter cheap.
 */
export async function hotConversations(sql: Pick<Sql, 'query'>, scope: ReportScope, limit = 10): Promise<HotConversation[]> {
  const rows = await sql.query<{ channel: string; conversation: string; title: string | null; inquiries: number; breaches: number; slowest: number | null; tickets: string[] | null }>(
    `SELECT c.channel, c.external_id AS conversation, c.title, h.inquiries, h.breaches, h.slowest,
       (SELECT array_agg(COALESCE(l.ticket_key, l.ticket_id) ORDER BY l.created_at, l.target) FROM ticket_links l
         WHERE l.conversation_id = h.conversation_id AND l.state = 'open' AND l.ticket_id IS NOT NULL) AS tickets
     FROM (SELECT i.conversation_id, count(*)::int AS inquiries, count(*) FILTER (WHERE i.breached)::int AS breaches,
             max(i.frt_business_ms)::float8 AS slowest
           FROM inquiries i WHERE ${scope.where}
           GROUP BY i.conversation_id
           HAVING count(*) FILTER (WHERE i.breached) > 0 OR max(i.frt_business_ms) IS NOT NULL
           ORDER BY breaches DESC, slowest DESC NULLS LAST, i.conversation_id LIMIT ${Math.max(1, Math.floor(limit))}) h
       JOIN conversations c ON c.id = h.conversation_id
     ORDER BY h.breaches DESC, h.slowest DESC NULLS LAST, h.conversation_id`,
    scope.params,
  );
  return rows.map((h) => ({
    channel: h.channel,
    conversation: h.conversation,
    title: h.title,
    inquiries: h.inquiries,
    breaches: h.breaches,
    slowestBusinessMinutes: toMinutes(h.slowest),
    ...(h.tickets && h.tickets.length > 0 ? { tickets: h.tickets } : {}),
  }));
}
