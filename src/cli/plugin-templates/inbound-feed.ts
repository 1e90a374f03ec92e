import { type TemplateInput } from './names';

export function inboundFeed({ names }: TemplateInput): string {
  const { pascal, id } = names;
  return `import { AUTHOR_ROLES, ConnectorError, type InboundMessage } from 'replywatch/sdk';
import { z } from 'zod';
import { type ${pascal}Config } from './${id}.config';

/** Longest one request may take; a stuck feed must not hold the poll forever. */
const REQUEST_TIMEOUT_MS = 30_000;

const itemSchema = z.object({
  id: z.string().min(1),
  conversation: z.string().min(1),
  author: z.object({ id: z.string().min(1), name: z.string().optional(), role: z.enum(AUTHOR_ROLES).optional() }),
  text: z.string(),
  sentAt: z.iso.datetime({ offset: true }),
});

const pageSchema = z.object({
  items: z.array(itemSchema),
  /** Opaque to us: sent back as \`after\` once every item before it is committed. */
  cursor: z.union([z.string().min(1), z.number()]).transform(String),
});

export interface FeedPage {
  messages: InboundMessage[];
  cursor: string;
}

/**
 * Reads one page of the feed: \`GET <url>?after=<cursor>\` answering
 * \`{ items: [{ id, conversation, author: { id, name?, role? }, text, sentAt }], cursor }\`.
 * Failures are ConnectorErrors whose messages name the host only (the URL may carry a key).
 */
export async function readFeedPage(config: ${pascal}Config, after: string | undefined, signal: AbortSignal): Promise<FeedPage> {
  const url = new URL(config.url);
  const where = \`the feed at \${url.host}\`;
  if (after !== undefined) url.searchParams.set('after', after);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (config.token) headers.authorization = \`Bearer \${config.token}\`;
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) });
  } catch {
    throw new ConnectorError('TEMPORARY', signal.aborted ? \`stopped while waiting for \${where}\` : \`\${where} is unreachable or did not answer\`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw errorForStatus(response.status, response.headers.get('retry-after'), where);
  }
  const parsed = pageSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) {
    const at = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(the body)'))].slice(0, 5).join(', ');
    throw new ConnectorError('INVALID_PAYLOAD', \`\${where} answered something other than { items, cursor } (at \${at})\`);
  }
  const prefix = config.conversationPrefix;
  const messages = parsed.data.items.map(
    (item): InboundMessage => ({
      conversation: { id: prefix + item.conversation },
      id: item.id,
      text: item.text,
      sentAt: new Date(item.sentAt),
      author: { id: item.author.id, ...(item.author.name === undefined ? {} : { name: item.author.name }), ...(item.author.role === undefined ? {} : { role: item.author.role }) },
    }),
  );
  return { messages, cursor: parsed.data.cursor };
}

function errorForStatus(status: number, retryAfter: string | null, where: string): ConnectorError {
  if (status === 401 || status === 403) return new ConnectorError('AUTH_FAILED', \`\${where} refused the token (\${status})\`);
  if (status === 404) return new ConnectorError('NOT_FOUND', \`\${where} has nothing at the configured URL (404)\`);
  if (status === 429) {
    const seconds = Number(retryAfter ?? '');
    return new ConnectorError('RATE_LIMITED', \`\${where} is rate-limiting polls (429)\`, Number.isFinite(seconds) && seconds > 0 ? { retryAfterMs: seconds * 1000 } : {});
  }
  if (status >= 500) return new ConnectorError('TEMPORARY', \`\${where} failed (\${status})\`);
  return new ConnectorError('INVALID_PAYLOAD', \`\${where} refused the request (\${status})\`);
}
`;
}
