import { z } from 'zod';
import { AUTHOR_ROLES, httpLink, type InboundMessage, MAX_LINK_LENGTH } from 'replywatch/sdk';

const id = z.union([z.string().min(1).max(512), z.number().int()]).transform(String);

/** Where a person opens the message or its conversation in the sender's system (a ticket, a chat). */
const link = z
  .string()
  .max(MAX_LINK_LENGTH, `longer than the limit of ${MAX_LINK_LENGTH} characters`)
  .refine((value) => httpLink(value) !== undefined, 'expected an absolute http or https URL, without spaces, user name or password');

function messageSchema(maxText: number) {
  return z
    .object({
      conversation: z.object({ id, title: z.string().max(512).optional() }).strict(),
      message: z
        .object({
          id,
          text: z.string().max(maxText, `longer than the limit of ${maxText} characters`),
          sentAt: z.iso.datetime({ offset: true, message: 'expected an ISO 8601 instant with offset, e.g. 2026-11-02T12:00:00Z' }),
          link: link.optional(),
        })
        .strict(),
      author: z
        .object({
          id,
          name: z.string().max(512).optional(),
          role: z.enum(AUTHOR_ROLES).optional(),
          email: z.email().optional(),
          hints: z.object({ anonymousAdmin: z.boolean().optional(), automated: z.boolean().optional() }).strict().optional(),
        })
        .strict(),
    })
    .strict();
}

export type IngestParse = { success: true; data: IngestItem[] } | { success: false; error: z.ZodError };

/**
 * A parser for one message, or `{ "messages": [...] }` for a batch (the presence of `messages`
 * decides). Built once per connector start: building zod schemas costs far more than using them.
 */
export function ingestBodyParser(maxText: number, maxBatch: number): (body: unknown) => IngestParse {
  const one = messageSchema(maxText);
  const batch = z.object({ messages: z.array(one).min(1).max(maxBatch) }).strict();
  return (body) => {
    if (typeof body === 'object' && body !== null && 'messages' in body) {
      const parsed = batch.safeParse(body);
      return parsed.success ? { success: true, data: parsed.data.messages } : { success: false, error: parsed.error };
    }
    const single = one.safeParse(body);
    return single.success ? { success: true, data: [single.data] } : { success: false, error: single.error };
  };
}

export type IngestItem = z.output<ReturnType<typeof messageSchema>>;

export function toInboundMessage(item: IngestItem): InboundMessage {
  return {
    conversation: { id: item.conversation.id, ...(item.conversation.title === undefined ? {} : { title: item.conversation.title }) },
    id: item.message.id,
    text: item.message.text,
    sentAt: new Date(item.message.sentAt),
    ...(item.message.link === undefined ? {} : { link: item.message.link }),
    author: {
      id: item.author.id,
      ...(item.author.name === undefined ? {} : { name: item.author.name }),
      ...(item.author.role === undefined ? {} : { role: item.author.role }),
      ...(item.author.email === undefined ? {} : { email: item.author.email }),
      ...(item.author.hints === undefined ? {} : { hints: item.author.hints }),
    },
  };
}

/** zod issues as JSON pointers into the request body, e.g. `/messages/3/message/sentAt`. */
export function toFieldErrors(error: z.ZodError): Array<{ pointer: string; detail: string }> {
  return error.issues.map((issue) => ({ pointer: pointer(issue.path), detail: issue.message }));
}

function pointer(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '/' : `/${path.map(String).join('/')}`;
}
