import { z } from 'zod';

/*
 * The fields of an update the connector reads, with the types it assumes. Telegram's own
 * updates always fit; a webhook body forged or mangled in transit may not, and must then be
 * skipped with a reason instead of failing in a handler (which Telegram would resend forever).
 * Fields not listed pass through unchecked.
 */
const user = z.looseObject({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});

const chat = z.looseObject({
  id: z.number().int(),
  type: z.string(),
  title: z.string().optional(),
  username: z.string().optional(),
  is_forum: z.boolean().optional(),
});

const entity = z.looseObject({ type: z.string(), offset: z.number().int().nonnegative(), length: z.number().int().nonnegative() });
const topicName = z.looseObject({ name: z.string().optional() });

const messageFields = {
  message_id: z.number().int(),
  date: z.number().int(),
  chat,
  from: user.optional(),
  sender_chat: chat.optional(),
  author_signature: z.string().optional(),
  message_thread_id: z.number().int().optional(),
  is_topic_message: z.boolean().optional(),
  is_automatic_forward: z.boolean().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  entities: z.array(entity).optional(),
  caption_entities: z.array(entity).optional(),
  forward_origin: z.looseObject({ type: z.string(), sender_user: user.optional(), sender_user_name: z.string().optional() }).optional(),
  forum_topic_created: topicName.optional(),
  forum_topic_edited: topicName.optional(),
  migrate_to_chat_id: z.number().int().optional(),
  migrate_from_chat_id: z.number().int().optional(),
  new_chat_title: z.string().optional(),
};

const message = z.looseObject({ ...messageFields, reply_to_message: z.looseObject(messageFields).optional() });

const updateSchema = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: message.optional(),
  edited_message: message.optional(),
  callback_query: z.looseObject({ id: z.string(), from: user, message: message.optional(), data: z.string().optional() }).optional(),
  my_chat_member: z.looseObject({ chat, from: user.optional(), new_chat_member: z.looseObject({ status: z.string().optional() }).optional() }).optional(),
});

/** Why the connector cannot read `update` (the first field at fault), or undefined if it can. */
export function updateProblem(update: unknown): string | undefined {
  const parsed = updateSchema.safeParse(update);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return issue ? `${issue.path.join('.') || 'update'}: ${issue.message}` : 'not an update';
}
