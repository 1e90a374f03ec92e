import { z } from 'zod';
import { durationSchema } from '../config/duration';

export const MARK_LEVELS = ['info', 'warning', 'critical', 'breach'] as const;
export type MarkLevel = (typeof MARK_LEVELS)[number];

/** `45m` (an offset on the inquiry's business clock) or `75%` of the policy's target. */
const markAtSchema = z.union([z.number().int().nonnegative(), z.string()]).transform((value, ctx): { ms: number } | { percent: number } => {
  if (typeof value === 'string' && /^\d+(\.\d+)?%$/.test(value.trim())) return { percent: Number(value.trim().slice(0, -1)) };
  const ms = durationSchema.safeParse(value);
  if (ms.success) return { ms: ms.data };
  ctx.addIssue({ code: 'custom', message: 'expected an offset such as 45m or a share of the target such as 75%' });
  return z.NEVER;
});

const actionSchema = z.union([
  z.object({ notify: z.array(z.string().min(1)).min(1) }).strict(),
  /** Someone to mention in this point's notifications (a supervisor's @handle or user id). */
  z.object({ mention: z.string().min(1) }).strict(),
  /**
   * Open a ticket in a helpdesk (a ticket target under `tickets:`), or comment on the one the
   * conversation already has open. A mark `at: 0m` does this as soon as an inquiry opens.
   */
  z.object({ createTicket: z.object({ target: z.string().min(1) }).strict() }).strict(),
]);

export const markSchema = z
  .object({
    /** On the inquiry's business clock: `45m`, or `75%` of the target. */
    at: markAtSchema.optional(),
    /** Or counted back from the deadline: `before: 15m` is "15 minutes left". */
    before: durationSchema.optional(),
    level: z.enum(MARK_LEVELS),
    emoji: z.string().max(16).default(''),
    /**
     * Message template; {title}, {left}, {overdue}, {link} and {policy} are filled in. {link} is
     * the conversation's http(s) link, or empty where the channel has none (see renderMarkMessage).
     */
    message: z.string().min(1),
    /** What the duty engineer should do: a short instruction or a link to the runbook. */
    runbook: z.string().optional(),
    actions: z.array(actionSchema).default([]),
  })
  .strict()
  .superRefine((mark, ctx) => {
    if ((mark.at === undefined) === (mark.before === undefined)) ctx.addIssue({ code: 'custom', message: 'expected exactly one of at or before' });
  });

const escalationStepSchema = z
  .object({
    /** Business time after the deadline. */
    after: durationSchema,
    /** As a mark's message: {title}, {left}, {overdue}, {link} and {policy} are filled in. */
    message: z.string().min(1),
    actions: z.array(actionSchema).min(1),
  })
  .strict();

const matchSchema = z
  .object({
    channel: z.string().min(1).optional(),
    /** Conversation ids as the channel reports them (a Telegram chat id, `chatId:topicId`). */
    conversations: z.array(z.union([z.string().min(1), z.number().int()]).transform(String)).min(1).optional(),
    /** The customer tier given to the conversation under `customers:` in the runbook. */
    tier: z.string().min(1).optional(),
    /** Any of these tags, given to the conversation under `customers:`. */
    tags: z.array(z.string().min(1)).min(1).optional(),
    /** Any of these words in the inquiry's first message (case-insensitive). */
    keywords: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

export const policySchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'expected a name of letters, digits, - and _'),
    /** Omitted or empty: matches everything (the default policy, listed last). */
    match: matchSchema.default({}),
    /** First-response target in business time. */
    target: durationSchema.refine((ms) => ms > 0, 'expected a positive duration such as 60m'),
    calendar: z.string().min(1),
    marks: z.array(markSchema).min(1, 'expected at least one mark (e.g. the breach at 100%)'),
    escalation: z.array(escalationStepSchema).default([]),
    cooldowns: z
      .object({
        /** Least time between two escalation notices for one inquiry. */
        escalation: durationSchema.default(3_600_000),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((policy, ctx) => {
    const offsets = policy.marks.map((mark) => markOffset(policy, mark));
    offsets.forEach((offset, i) => {
      if (offset < 0) ctx.addIssue({ code: 'custom', path: ['marks', i, 'before'], message: 'is longer than the target' });
      if (offset > policy.target) ctx.addIssue({ code: 'custom', path: ['marks', i, 'at'], message: 'is past the target; use escalation steps for after the deadline' });
      if (i > 0 && offset <= (offsets[i - 1] as number)) ctx.addIssue({ code: 'custom', path: ['marks', i, 'at'], message: 'expected marks in increasing order' });
    });
    policy.escalation.forEach((step, i) => {
      if (i > 0 && step.after <= (policy.escalation[i - 1] as { after: number }).after) {
        ctx.addIssue({ code: 'custom', path: ['escalation', i, 'after'], message: 'expected steps in increasing order' });
      }
    });
  });

export type Policy = z.output<typeof policySchema>;
export type Mark = z.output<typeof markSchema>;

/** Where a mark falls on the inquiry's business clock, in ms. */
export function markOffset(policy: { target: number }, mark: Pick<Mark, 'at' | 'before'>): number {
  if (mark.before !== undefined) return policy.target - mark.before;
  if (mark.at === undefined) return policy.target;
  return 'ms' in mark.at ? mark.at.ms : Math.round((mark.at.percent / 100) * policy.target);
}

/** The seed's marks: ⚡ 15 minutes left, ❗ 5 minutes left, ⚠️ SLA MISS. */
export function defaultMarks(): Array<z.input<typeof markSchema>> {
  return [
    { before: '15m', level: 'warning', emoji: '⚡', message: '15 minutes left — {title}' },
    { before: '5m', level: 'critical', emoji: '❗', message: '5 minutes left — {title}' },
    { at: '100%', level: 'breach', emoji: '⚠️', message: 'SLA MISS — {title}' },
  ];
}
