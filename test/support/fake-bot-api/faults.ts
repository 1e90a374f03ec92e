import { type Fault, type FaultOptions } from './types';

interface QueuedFault {
  method: string;
  fault: Fault;
  chatId: number | undefined;
  remaining: number;
}

/** Scripted misbehaviour, consumed in the order it was queued. */
export class FaultQueue {
  private queued: QueuedFault[] = [];
  private readonly delays = new Map<string, number>();

  add(method: string, fault: Fault, opts: FaultOptions = {}): void {
    this.queued.push({ method, fault, chatId: opts.chatId, remaining: Math.max(1, opts.times ?? 1) });
  }

  /** The first queued fault for this method whose chat filter (if any) matches. */
  take(method: string, chatId: number | undefined): Fault | undefined {
    const entry = this.queued.find((q) => q.method === method && (q.chatId === undefined || q.chatId === chatId));
    if (!entry) return undefined;
    if (--entry.remaining === 0) this.queued.splice(this.queued.indexOf(entry), 1);
    return entry.fault;
  }

  setDefaultDelay(method: string, ms: number): void {
    if (ms > 0) this.delays.set(method, ms);
    else this.delays.delete(method);
  }

  defaultDelay(method: string): number {
    return this.delays.get(method) ?? 0;
  }

  clear(): void {
    this.queued = [];
    this.delays.clear();
  }

  get pending(): number {
    return this.queued.reduce((sum, q) => sum + q.remaining, 0);
  }
}
