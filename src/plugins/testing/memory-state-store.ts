import { type Clock, type StateStore, type StateWriteOptions, type StoredValue } from '../sdk';
import { TestClock } from './test-clock';
import { attempt } from './wait';

interface Entry {
  json: string;
  version: number;
  expiresAt: number | undefined;
}

/**
 * The `state` service in memory, with the hub's semantics: values are JSON (stored as text,
 * so a Date comes back as a string and a mutated object does not change what is stored),
 * versions rise with every write, ttl counts on the injected clock.
 */
export class MemoryStateStore implements StateStore {
  private readonly entries = new Map<string, Entry>();
  // Versions continue across a delete, so a compareAndSet holding a version read before the
  // delete cannot succeed against a key re-created since (no ABA).
  private readonly lastVersion = new Map<string, number>();
  private writeCount = 0;

  constructor(private readonly clock: Clock = new TestClock()) {}

  /** Successful writes so far (set, compareAndSet that won, delete that removed a key). */
  get writes(): number {
    return this.writeCount;
  }

  get<T = unknown>(key: string): Promise<StoredValue<T> | undefined> {
    const entry = this.live(key);
    return Promise.resolve(entry ? { value: JSON.parse(entry.json) as T, version: entry.version } : undefined);
  }

  set<T>(key: string, value: T, options?: StateWriteOptions): Promise<number> {
    return attempt(() => this.write(key, value, options));
  }

  compareAndSet<T>(key: string, expectedVersion: number | undefined, value: T, options?: StateWriteOptions): Promise<number | false> {
    const stored = this.live(key)?.version;
    if (stored !== expectedVersion) return Promise.resolve(false);
    return attempt(() => this.write(key, value, options));
  }

  delete(key: string): Promise<boolean> {
    const existed = this.live(key) !== undefined;
    this.entries.delete(key);
    if (existed) this.writeCount++;
    return Promise.resolve(existed);
  }

  list<T = unknown>(prefix: string, options?: { limit?: number }): Promise<Array<{ key: string } & StoredValue<T>>> {
    const keys = [...this.entries.keys()].filter((key) => key.startsWith(prefix)).sort(compareKeys);
    const out: Array<{ key: string } & StoredValue<T>> = [];
    for (const key of keys) {
      if (options?.limit !== undefined && out.length >= options.limit) break;
      const entry = this.live(key);
      if (entry) out.push({ key, value: JSON.parse(entry.json) as T, version: entry.version });
    }
    return Promise.resolve(out);
  }

  private write(key: string, value: unknown, options: StateWriteOptions | undefined): number {
    const json = JSON.stringify(value);
    // JSON.stringify gives undefined for undefined, functions and symbols: not storable as JSON.
    if (typeof json !== 'string') throw new Error(`state value for "${key}" is not JSON-serializable`);
    if (options?.ttlMs !== undefined && !(options.ttlMs > 0)) throw new Error(`ttlMs for "${key}" must be a positive number`);
    const version = (this.lastVersion.get(key) ?? 0) + 1;
    this.lastVersion.set(key, version);
    this.entries.set(key, { json, version, expiresAt: options?.ttlMs === undefined ? undefined : this.clock.now() + options.ttlMs });
    this.writeCount++;
    return version;
  }

  /** The entry unless it expired; an expired one is purged, as the hub's purge would. */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
