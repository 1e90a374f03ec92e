import { type SlaReport } from './sla-report';

/** The report as plain text, for the terminal and for chat. */
export function renderReport(label: string, r: SlaReport): string {
  const m = (v: number | null) => (v === null ? '—' : `${v} min`);
  const lines = [
    `SLA report, ${label}`,
    `inquiries ${r.inquiries}: answered ${r.answered}, still open ${r.stillOpen}, closed without answer ${r.resolvedWithoutAnswer}`,
    `within SLA: ${r.withinSlaPercent === null ? '—' : `${r.withinSlaPercent} %`}; breaches ${r.breaches}; escalated ${r.escalated}${r.escalatedPercent === null ? '' : ` (${r.escalatedPercent} %)`}`,
    `first response, business time: average ${m(r.firstResponseBusinessMinutes.average)}, median ${m(r.firstResponseBusinessMinutes.median)}, p90 ${m(r.firstResponseBusinessMinutes.p90)}`,
    `first response, calendar time: average ${m(r.firstResponseCalendarMinutes.average)}, median ${m(r.firstResponseCalendarMinutes.median)}, p90 ${m(r.firstResponseCalendarMinutes.p90)}`,
  ];
  if (r.hotConversations.length > 0) {
    lines.push('hot conversations:');
    for (const h of r.hotConversations) lines.push(`  ${h.title ?? h.conversation} (${h.channel}): ${h.breaches} breaches of ${h.inquiries}, slowest ${m(h.slowestBusinessMinutes)}`);
  }
  if (r.responders.length > 0) {
    lines.push('responders:');
    for (const p of r.responders) lines.push(`  ${p.responder}: ${p.answered} answered, median ${m(p.medianBusinessMinutes)}`);
  }
  return `${lines.join('\n')}\n`;
}
