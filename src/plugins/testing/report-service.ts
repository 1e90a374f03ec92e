import { type Clock, type HotConversation, type ReportPeriod, type ReportService } from '../sdk';

const DAY = 86_400_000;
const PERIOD_HINT = 'use FROM TO (YYYY-MM-DD dates), this-month, last-month, yesterday, q1..q4 or YYYY-Qn';

/**
 * The reports service over an empty hub, in UTC: periods are read like the hub reads them
 * (dates inclusive, `to` exclusive) so a connector's command parsing can be tested, while the
 * figures are placeholders: no inquiries exist in the kit.
 */
export class TestReportService implements ReportService {
  constructor(private readonly clock: Clock) {}

  timezone(): string {
    return 'UTC';
  }

  period(words: readonly string[], fallback: string): ReportPeriod | { error: string } {
    const used = words.length > 0 ? words : fallback.split(/\s+/).filter(Boolean);
    const [first, second] = used.map((word) => word.trim().toLowerCase());
    if (!first) return { error: `expected a period: ${PERIOD_HINT}` };
    if (used.length === 1) return this.named(first);
    if (used.length !== 2 || !second) return { error: 'expected two dates, FROM and TO' };
    const from = parseDate(first);
    const to = parseDate(second);
    if (from === undefined) return { error: `"${first}" is not a date (YYYY-MM-DD)` };
    if (to === undefined) return { error: `"${second}" is not a date (YYYY-MM-DD)` };
    if (to < from) return { error: 'the period ends before it starts' };
    return { label: `${first} – ${second}`, from: new Date(from), to: new Date(to + DAY) };
  }

  text(period: ReportPeriod): Promise<string> {
    return Promise.resolve(`Report ${period.label}: 0 inquiries, 0 breaches (test kit: no data)`);
  }

  hotConversations(_period: ReportPeriod, _limit: number): Promise<HotConversation[]> {
    return Promise.resolve([]);
  }

  async csv(_period: ReportPeriod, write: (chunk: string) => Promise<void>, options?: { bom?: boolean }): Promise<number> {
    await write(`${options?.bom ? '\uFEFF' : ''}inquiry_id,channel,conversation,opened_at,status,first_response_at,breached\r\n`);
    return 0;
  }

  fileName(label: string): string {
    return `replywatch-${label}.csv`;
  }

  private named(word: string): ReportPeriod | { error: string } {
    const today = startOfDay(this.clock.now());
    const now = new Date(today);
    const year = now.getUTCFullYear();
    const month = now.getUTCMonth();
    if (word === 'this-month') return { label: `${monthLabel(year, month)} to date`, from: new Date(Date.UTC(year, month, 1)), to: new Date(today + DAY) };
    if (word === 'last-month') return { label: monthLabel(year, month - 1), from: new Date(Date.UTC(year, month - 1, 1)), to: new Date(Date.UTC(year, month, 1)) };
    if (word === 'yesterday') return { label: new Date(today - DAY).toISOString().slice(0, 10), from: new Date(today - DAY), to: new Date(today) };
    const quarter = /^(?:(\d{4})-)?q([1-4])$/.exec(word);
    if (quarter) {
      const y = quarter[1] ? Number(quarter[1]) : year;
      const startMonth = (Number(quarter[2]) - 1) * 3;
      return { label: `${y}-Q${quarter[2]}`, from: new Date(Date.UTC(y, startMonth, 1)), to: new Date(Date.UTC(y, startMonth + 3, 1)) };
    }
    return { error: `unknown period "${word}": ${PERIOD_HINT}` };
  }
}

function startOfDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

function parseDate(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]) - 1, Number(match[3])];
  const ms = Date.UTC(year, month, day);
  const date = new Date(ms);
  // Date.UTC rolls 2026-02-30 over to March; a real date survives the round trip.
  return date.getUTCFullYear() === year && date.getUTCMonth() === month && date.getUTCDate() === day ? ms : undefined;
}

function monthLabel(year: number, month: number): string {
  const date = new Date(Date.UTC(year, month, 1));
  return `${date.toLocaleString('en-US', { month: 'long', timeZone: 'UTC' })} ${date.getUTCFullYear()}`;
}
