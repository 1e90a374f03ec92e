import { z } from 'zod';

/**
 * A Telegram duty target's `to:` in rules.yaml: the chat (a group or supergroup id, negative)
 * and optionally a forum topic. Checked at start and on reload, so a typo is a located error.
 */
export const telegramTargetSchema = z
  .object({
    chatId: z.union([z.number().int(), z.string().regex(/^-?\d+$/, 'expected a Telegram chat id such as -1001234567890')]).refine((v) => Number.isSafeInteger(Number(v)), 'expected a Telegram chat id such as -1001234567890'),
    topicId: z.number().int().positive('expected a forum topic id (a positive number)').optional(),
  })
  .strict();

export interface TelegramAddress {
  chatId: number;
  topicId?: number;
}

/**
 * `to: { chatId: -100…, topicId?: 12 }` of a duty target, or a delivery's target (which also
 * carries the target's name); undefined when malformed.
 */
export function addressOf(to: Record<string, unknown>): TelegramAddress | undefined {
  const parsed = telegramTargetSchema.safeParse({ chatId: to.chatId, topicId: to.topicId });
  if (!parsed.success) return undefined;
  const chatId = Number(parsed.data.chatId);
  return parsed.data.topicId === undefined ? { chatId } : { chatId, topicId: parsed.data.topicId };
}
