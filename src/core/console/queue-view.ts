import { type Rules } from '../config/rules.schema';
import { slaPoints } from '../sla/mark-planner';
import { type ConversationTags } from './conversation-tags';
import { type QueueRow } from './queue-query';
import { STRINGS } from './strings.en';

/** One queue row as the page shows it: the stored row plus what the runbook says about it. */
export interface QueueItem extends QueueRow {
  displayTitle: string;
  tags: readonly string[];
  /** The next point on its clock (`⚡ warning`, `escalation`), while it is waiting. */
  nextLabel: string | null;
}

export function queueItems(rows: readonly QueueRow[], rules: Rules, tags: ConversationTags): QueueItem[] {
  return rows.map((row) => ({
    ...row,
    displayTitle: row.title ?? `${row.channel} ${row.externalId}`,
    tags: tags.of({ channel: row.channel, id: row.externalId }),
    nextLabel: row.status === 'open' ? nextLabel(rules, row.policy, row.nextMark) : null,
  }));
}

function nextLabel(rules: Rules, policyName: string | null, nextMark: number): string | null {
  const policy = rules.policies.find((p) => p.name === policyName);
  const point = policy ? slaPoints(policy)[nextMark] : undefined;
  if (!policy || !point) return null;
  if (point.kind === 'escalation') return STRINGS.queue.escalationMark;
  const mark = policy.marks[point.index];
  return mark ? `${mark.emoji ? `${mark.emoji} ` : ''}${mark.level}` : null;
}
