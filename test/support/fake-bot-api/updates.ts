import { setTimeout as realSetTimeout, clearTimeout as realClearTimeout } from 'node:timers';
import { ApiError } from './params';
import { type TgUpdate } from './types';

// Telegram's default when allowed_updates was never given (or given as []).
const NOT_DELIVERED_BY_DEFAULT = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
const FIRST_UPDATE_ID = 100000;

export function updateType(update: TgUpdate): string {
  return Object.keys(update).find((key) => key !== 'update_id') ?? 'unknown';
}

/** Unconfirmed updates, shared by long polling and the webhook like on the real server. */
export class UpdateQueue {
  /** Every update ever pushed, confirmed or not, for tests that need to look back. */
  readonly pushed: TgUpdate[] = [];
  private queue: TgUpdate[] = [];
  private nextId = FIRST_UPDATE_ID;
  private allowed: string[] | undefined;
  private readonly listeners = new Set<() => void>();

  push(update: Record<string, unknown>): number {
    const given = update.update_id;
    const id = typeof given === 'number' ? given : this.nextId;
    this.nextId = Math.max(this.nextId, id + 1);
    const stored = { ...update, update_id: id } as TgUpdate;
    this.pushed.push(stored);
    // Telegram never creates updates of types the bot did not ask for.
    if (this.isAllowed(stored)) {
      this.queue.push(stored);
      this.queue.sort((a, b) => a.update_id - b.update_id);
      for (const listener of [...this.listeners]) listener();
    }
    return id;
  }

  onPush(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Omitting the list keeps the previous setting; an empty list restores the default. */
  setAllowed(list: unknown[] | undefined): void {
    if (list !== undefined) this.allowed = list.length > 0 ? list.map(String) : undefined;
  }

  get allowedUpdates(): string[] | undefined {
    return this.allowed;
  }

  isAllowed(update: TgUpdate): boolean {
    const type = updateType(update);
    return this.allowed ? this.allowed.includes(type) : !NOT_DELIVERED_BY_DEFAULT.has(type);
  }

  confirmBelow(offset: number): void {
    this.queue = this.queue.filter((u) => u.update_id >= offset);
  }

  confirm(updateId: number): void {
    this.queue = this.queue.filter((u) => u.update_id !== updateId);
  }

  select(offset: number, limit: number): TgUpdate[] {
    return this.queue.filter((u) => u.update_id >= offset && this.isAllowed(u)).slice(0, limit);
  }

  first(): TgUpdate | undefined {
    return this.queue.find((u) => this.isAllowed(u));
  }

  drop(): void {
    this.queue = [];
  }

  get pending(): number {
    return this.queue.length;
  }
}

interface HeldPoll {
  finish(outcome: TgUpdate[] | ApiError): void;
}

/** getUpdates long polling: one winner at a time, newest request wins. */
export class LongPolls {
  calls = 0;
  maxConcurrent = 0;
  private readonly held = new Set<HeldPoll>();

  constructor(private readonly queue: UpdateQueue) {}

  poll(offset: number, limit: number, timeoutSeconds: number, signal: AbortSignal): Promise<TgUpdate[]> {
    this.calls++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.held.size + 1);
    // Telegram answers the older request, not the newcomer, when two pollers overlap.
    for (const older of [...this.held]) {
      older.finish(new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
    }
    const ready = this.queue.select(offset, limit);
    if (ready.length > 0 || timeoutSeconds <= 0 || signal.aborted) return Promise.resolve(ready);
    return new Promise<TgUpdate[]>((resolve, reject) => {
      const poll: HeldPoll = {
        finish: (outcome) => {
          if (!this.held.delete(poll)) return;
          realClearTimeout(timer);
          unsubscribe();
          signal.removeEventListener('abort', abandon);
          if (outcome instanceof ApiError) reject(outcome);
          else resolve(outcome);
        },
      };
      const abandon = () => poll.finish([]);
      const unsubscribe = this.queue.onPush(() => {
        const updates = this.queue.select(offset, limit);
        if (updates.length > 0) poll.finish(updates);
      });
      const timer = realSetTimeout(() => poll.finish([]), timeoutSeconds * 1000);
      signal.addEventListener('abort', abandon, { once: true });
      this.held.add(poll);
    });
  }

  get active(): number {
    return this.held.size;
  }

  /** Shutdown answers everybody with an empty batch, as a restarting server would. */
  endAll(): void {
    for (const poll of [...this.held]) poll.finish([]);
  }
}
