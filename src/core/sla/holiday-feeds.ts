import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { type Clock } from '../clock/clock';
import { operatorNotice, toDutyTargets } from '../outbox/payload-builder';
import { enqueueDeliveries } from '../outbox/outbox-writer';
import { type Database } from '../persistence/database';
import { type RulesStore } from '../rules/rules-store';
import { type HealthState } from '../runtime/health-state';
import { type IcsSource } from './calendar.schema';
import { type Holidays, parseIcsHolidays } from './ics-holidays';

const YEAR = 365 * 86_400_000;
const MAX_FEED_BYTES = 5 * 1024 * 1024;
/** While a feed fails, try again this often (or at its refresh interval, if shorter). */
const RETRY_MS = 3_600_000;

export interface HolidayFeedsOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * Keeps each calendar's ICS holidays current: a URL is fetched at start and every `refresh`,
 * a file is re-read when it changes. Every good copy is stored, so a restart without network
 * still has holidays; a failure keeps the last good copy, and says so on /health and to the
 * duty targets (once per failure), instead of silently dropping holidays.
 */
export class HolidayFeeds {
  private readonly logger = new Logger('holidays');
  private readonly current = new Map<string, Holidays>();
  private readonly failingSince = new Map<string, Date>();
  private readonly warnings = new Map<string, string>();
  private watchers: FSWatcher[] = [];
  private stopper = new AbortController();
  private loops: Array<Promise<void>> = [];

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly store: RulesStore,
    private readonly health: HealthState,
    private readonly options: HolidayFeedsOptions = {},
  ) {}

  /** Loads stored copies, refreshes every source once, then keeps them fresh. */
  async start(): Promise<void> {
    this.stopper = new AbortController();
    const sources = this.sources();
    await this.loadStored(sources.map(([name]) => name));
    for (const [name, source] of sources) await this.refresh(name, source);
    this.publish();
    for (const [name, source] of sources) {
      if (source.file) this.watchFile(name, source);
      else this.loops.push(this.refreshLoop(name, source));
    }
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
    await Promise.all(this.loops);
    this.loops = [];
  }

  /** After a rules reload: sources may have been added, changed or removed. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Fetches or reads one source; on success stores and applies it. Returns whether it worked. */
  async refresh(name: string, source: IcsSource): Promise<boolean> {
    const now = new Date(this.clock.now());
    try {
      const text = await this.read(source);
      const holidays = parseIcsHolidays(text, { from: new Date(now.getTime() - YEAR), to: new Date(now.getTime() + 3 * YEAR) });
      await this.db.query(
        `INSERT INTO holiday_feeds (calendar, source, fetched_at, dates, closures) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (calendar) DO UPDATE SET source = EXCLUDED.source, fetched_at = EXCLUDED.fetched_at, dates = EXCLUDED.dates, closures = EXCLUDED.closures`,
        [name, describe(source), now, JSON.stringify(holidays.dates), JSON.stringify(holidays.closures)],
      );
      this.current.set(name, holidays);
      this.recovered(name);
      this.logger.log(`calendar ${name}: ${holidays.dates.length} holiday dates and ${holidays.closures.length} closures from ${describe(source)}`);
      return true;
    } catch (error) {
      await this.failed(name, source, error instanceof Error ? error.message : String(error), now);
      return false;
    }
  }

  private sources(): Array<[string, IcsSource]> {
    return Object.entries(this.store.current.rules.calendars).flatMap(([name, calendar]) => (calendar.holidays.ics ? [[name, calendar.holidays.ics] as [string, IcsSource]] : []));
  }

  private async loadStored(names: string[]): Promise<void> {
    if (names.length === 0) return;
    const rows = await this.db.query<{ calendar: string; dates: string[]; closures: Array<[number, number]> }>(
      `SELECT calendar, dates, closures FROM holiday_feeds WHERE calendar IN (SELECT value FROM json_array_elements_text($1::json))`,
      [JSON.stringify(names)],
    );
    for (const row of rows) this.current.set(row.calendar, { dates: row.dates, closures: row.closures });
  }

  private async read(source: IcsSource): Promise<string> {
    if (source.file) return readFile(path.resolve(source.file), 'utf8');
    const response = await (this.options.fetch ?? fetch)(source.url as string, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status} from ${describe(source)}`);
    const body = await response.text();
    if (body.length > MAX_FEED_BYTES) throw new Error(`${describe(source)} is larger than ${MAX_FEED_BYTES} bytes`);
    return body;
  }

  private async refreshLoop(name: string, source: IcsSource): Promise<void> {
    const signal = this.stopper.signal;
    while (!signal.aborted) {
      const wait = this.failingSince.has(name) ? Math.min(RETRY_MS, source.refresh) : source.refresh;
      await this.clock.sleep(wait, signal);
      if (signal.aborted) break;
      if (await this.refresh(name, source)) this.publish();
    }
  }

  private watchFile(name: string, source: IcsSource): void {
    const file = path.resolve(source.file as string);
    let timer: NodeJS.Timeout | undefined;
    try {
      const watcher = watch(path.dirname(file), (_event, changed) => {
        if (changed !== null && changed.toString() !== path.basename(file)) return;
        clearTimeout(timer);
        timer = setTimeout(() => void this.refresh(name, source).then((ok) => ok && this.publish()), 250);
        timer.unref();
      });
      this.watchers.push(watcher);
    } catch (error) {
      this.logger.warn(`calendar ${name}: cannot watch ${source.file} (${error instanceof Error ? error.message : String(error)}); changes need a restart`);
    }
  }

  private publish(): void {
    this.store.setHolidays(new Map(this.current));
  }

  private recovered(name: string): void {
    this.failingSince.delete(name);
    this.setWarning(name, undefined);
  }

  private async failed(name: string, source: IcsSource, reason: string, now: Date): Promise<void> {
    const kept = this.current.has(name) ? 'the last good copy stays in use' : 'no copy yet: only the dates listed in the rules apply';
    const text = `calendars.${name}.holidays.ics (${describe(source)}): ${reason}; ${kept}`;
    this.setWarning(name, text);
    this.logger.warn(text);
    if (this.failingSince.has(name)) return;
    this.failingSince.set(name, now);
    // Tell the duty targets once per failure, not at every retry.
    const { rules } = this.store.current;
    const payload = operatorNotice({ topic: 'holidays.failed', text: `📅 Holidays for calendar "${name}" could not be refreshed: ${reason}; ${kept}` });
    const notices = toDutyTargets(
      rules,
      rules.duty.targets.map((t) => t.name),
      { key: (target) => `holidays:${name}:failing:${now.toISOString()}:${target}`, payload },
    );
    await this.db
      .run((sql) => enqueueDeliveries(sql, notices, now))
      .catch((error: unknown) => this.logger.error(`could not notify the duty targets: ${error instanceof Error ? error.message : String(error)}`));
  }

  private setWarning(name: string, text: string | undefined): void {
    const previous = this.warnings.get(name);
    if (previous) this.health.warnings = this.health.warnings.filter((w) => w !== previous);
    if (text) {
      this.warnings.set(name, text);
      this.health.warnings.push(text);
    } else {
      this.warnings.delete(name);
    }
  }
}

/** Where a source is, without the path and query of a URL (private feeds carry keys there). */
export function describe(source: IcsSource): string {
  if (source.file) return source.file;
  try {
    const url = new URL(source.url as string);
    return `${url.protocol}//${url.host}/…`;
  } catch {
    return 'an invalid URL';
  }
}
