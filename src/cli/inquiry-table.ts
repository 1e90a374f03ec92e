import { type InquiryView } from '../core/inquiries/inquiry-queries';

const HEADERS = ['ID', 'STATUS', 'CONVERSATION', 'OPENED (UTC)', 'DUE (UTC)', 'FIRST RESPONSE', 'TITLE'] as const;

/**
 * Inquiries as an aligned table, one line each, from what the admin API returns (or the same
 * view read from the database), so the command prints the same text either way. Nothing in it
 * depends on the moment it is printed.
 */
export function inquiryTable(items: readonly InquiryView[]): string {
  if (items.length === 0) return 'no inquiries\n';
  const rows = items.map((i) => [i.id, i.status, `${i.conversation.channel}/${i.conversation.id}`, minute(i.openedAt), due(i), firstResponse(i), oneLine(i.conversation.title ?? '')]);
  const widths = HEADERS.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(HEADERS), ...rows.map(line)].join('\n')}\n`;
}

/** `2026-11-02 12:00`: an ISO instant (UTC) to the minute. */
function minute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

function due(i: InquiryView): string {
  if (!i.sla) return '—';
  const at = i.sla.dueAt ? minute(i.sla.dueAt) : i.status === 'on_hold' ? 'on hold' : '—';
  return i.sla.breached ? `${at} breached` : at;
}

function firstResponse(i: InquiryView): string {
  if (i.firstResponseMs === null) return '—';
  const minutes = Math.round(i.firstResponseMs / 6000) / 10;
  return i.responder ? `${minutes} min by ${oneLine(i.responder.name ?? i.responder.id)}` : `${minutes} min`;
}

/** Titles and names come from customers: a line break or tab in one must not break the table. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ');
}
