import { type Period, type PeriodHeading, periodHeading } from './period';
import { type SlaReport } from './sla-report';

/**
 * The report as plain text, for the terminal and for chat. The zone and the exact instants
 * are stated: "last month" is a different set of inquiries in Moscow than in UTC.
 */
export function renderReport(period: Period, r: SlaReport): string {
  const m = (v: number | null) => (v === null ? '—' : `${v} min`);
  const heading = periodHeading(period);
  const lines = [
    `SLA report, ${period.label} (${period.timezone})`,
    `from ${heading.from} to ${heading.to}`,
    `inquiries ${r.inquiries}: answered ${r.answered}, still open ${r.stillOpen}, closed without answer ${r.resolvedWithoutAnswer}`,
    `within SLA: ${r.withinSlaPercent === null ? '—' : `${r.withinSlaPercent} %`}; breaches ${r.breaches}; escalated ${r.escalated}${r.escalatedPercent === null ? '' : ` (${r.escalatedPercent} %)`}`,
    `first response, business time: average ${m(r.firstResponseBusinessMinutes.average)}, median ${m(r.firstResponseBusinessMinutes.median)}, p90 ${m(r.firstResponseBusinessMinutes.p90)}`,
    `first response, calendar time: average ${m(r.firstResponseCalendarMinutes.average)}, median ${m(r.firstResponseCalendarMinutes.median)}, p90 ${m(r.firstResponseCalendarMinutes.p90)}`,
  ];
  if (r.hotConversations.length > 0) {
    lines.push('hot conversations:');
    for (const h of r.hotConversations) {
      lines.push(`  ${h.title ?? h.conversation} (${h.channel}): ${h.breaches} breaches of ${h.inquiries}, slowest ${m(h.slowestBusinessMinutes)}${h.tickets ? `, open ticket ${h.tickets.join(', ')}` : ''}`);
    }
  }
  if (r.responders.length > 0) {
    lines.push('responders:');
    for (const p of r.responders) lines.push(`  ${p.responder}: ${p.answered} answered, median ${m(p.medianBusinessMinutes)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The report as JSON: the period's label, zone and bounds (with the zone's offset) first, then
 * the figures.
 */
export function reportJson(period: Period, r: SlaReport): PeriodHeading & Omit<SlaReport, 'from' | 'to'> {
  const heading = periodHeading(period);
  return { ...heading, ...r, from: heading.from, to: heading.to };
}
