import { type Rules } from '../config/rules.schema';
import { PeriodError } from './period';
import { type ReportFilter } from './sla-report';

export interface ReportFilterInput {
  channel?: string | undefined;
  policy?: string | undefined;
  conversation?: string | undefined;
  /** A customer tag from rules.yaml. */
  tag?: string | undefined;
}

/**
 * A report filter as asked for by the CLI or the API; an unknown tag is a PeriodError. The
 * runbook is read only when a tag asks for it.
 */
export function reportFilter(input: ReportFilterInput, rules: () => Rules): ReportFilter {
  return {
    ...(input.channel ? { channel: input.channel } : {}),
    ...(input.policy ? { policy: input.policy } : {}),
    ...(input.conversation ? { conversation: input.conversation } : {}),
    ...(input.tag ? { conversations: conversationsTagged(rules(), input.tag) } : {}),
  };
}

/**
 * Tags live in rules.yaml (customers[]), not in the database, so a tag becomes the list of
 * conversation ids it covers. An unknown tag is an error rather than an empty report, since
 * it is almost always a typo.
 */
function conversationsTagged(rules: Rules, tag: string): string[] {
  const entries = rules.customers.filter((c) => c.tags.includes(tag));
  if (entries.length === 0) {
    const known = [...new Set(rules.customers.flatMap((c) => c.tags))].sort().join(', ') || 'none';
    throw new PeriodError(`unknown tag "${tag}" (tags in rules.yaml: ${known})`);
  }
  return entries.flatMap((c) => c.conversations);
}

/** `replywatch-2026-Q4.csv`: the period label made safe for a file name. */
export function csvFileName(prefix: string, label: string): string {
  return `${prefix}-${label.replace(/[^A-Za-z0-9-]+/g, '_')}.csv`;
}
