import { type LoggerService } from '@nestjs/common';

const KEPT = 200;

/**
 * The hub's logger for the run: silent like `logger: false`, except that warnings and errors
 * (an intake batch retried one by one, an update fetched again, a failed poll) are kept for
 * the report, because under load they are findings.
 */
export class HubLog implements LoggerService {
  readonly entries: string[] = [];
  warnings = 0;
  errors = 0;

  log(): void {}
  verbose(): void {}
  debug(): void {}

  warn(message: unknown, ...context: unknown[]): void {
    this.warnings++;
    this.keep('warn', message, context);
  }

  error(message: unknown, ...context: unknown[]): void {
    this.errors++;
    this.keep('error', message, context);
  }

  fatal(message: unknown, ...context: unknown[]): void {
    this.errors++;
    this.keep('fatal', message, context);
  }

  /** Distinct messages (ids, times and numbers folded, so they do not split them) with how often each came. */
  summary(limit = 8): Array<{ count: number; text: string }> {
    const counts = new Map<string, number>();
    for (const entry of this.entries) {
      const key = entry
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
        .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>')
        .replace(/\d+/g, 'N')
        .slice(0, 200);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([text, count]) => ({ count, text }));
  }

  private keep(level: string, message: unknown, context: unknown[]): void {
    if (this.entries.length >= KEPT) return;
    const where = context.filter((c): c is string => typeof c === 'string' && !c.includes('\n')).pop();
    const text = message instanceof Error ? message.message : String(message);
    this.entries.push(`${level}${where ? ` [${where}]` : ''}: ${text}`);
  }
}
