import { type Rules } from '../config/rules.schema';
import { PeriodError } from './period';

/**
 * A report filter by customer tag: tags live in rules.yaml (customers[]), not in the
 * database, so a tag becomes the list of conversation ids it covers. An unknown tag is an
 * error rather than an empty report, since it is almost always a typo.
 */
export function conversationsTagged(rules: Rules, tag: string): string[] {
  const entries = rules.customers.filter((c) => c.tags.includes(tag));
  if (entries.length === 0) {
    const known = [...new Set(rules.customers.flatMap((c) => c.tags))].sort().join(', ') || 'none';
    throw new PeriodError(`unknown tag "${tag}" (tags in rules.yaml: ${known})`);
  }
  return entries.flatMap((c) => c.conversations);
}
