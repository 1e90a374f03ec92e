import { ApiError } from './params';
import { type FloodRule, type RateLimitCounters } from './types';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const PER_CHAT_PER_SECOND = 1;
const PER_GROUP_PER_MINUTE = 20;
const GLOBAL_PER_SECOND = 30;

/** Telegram's published send limits over sliding windows of the injected clock. */
export class FloodControl {
  readonly counters: RateLimitCounters = emptyCounters();
  private readonly perChat = new Map<number, number[]>();
  private global: number[] = [];

  /** Throws 429 when a send now would break a limit; the longest wait wins, as the client must honour it anyway. */
  check(chatId: number, isGroup: boolean, now: number): void {
    const chatTimes = this.prune(chatId, now);
    const waits: Array<[FloodRule, number]> = [];
    const sinceLast = chatTimes.filter((t) => t > now - SECOND);
    if (sinceLast.length >= PER_CHAT_PER_SECOND) {
      waits.push(['per-chat-second', sinceLast[sinceLast.length - PER_CHAT_PER_SECOND]! + SECOND - now]);
    }
    if (isGroup && chatTimes.length >= PER_GROUP_PER_MINUTE) {
      waits.push(['per-group-minute', chatTimes[chatTimes.length - PER_GROUP_PER_MINUTE]! + MINUTE - now]);
    }
    this.global = this.global.filter((t) => t > now - SECOND);
    if (this.global.length >= GLOBAL_PER_SECOND) {
      waits.push(['global-second', this.global[this.global.length - GLOBAL_PER_SECOND]! + SECOND - now]);
    }
    if (waits.length === 0) return;
    const [rule, waitMs] = waits.reduce((a, b) => (b[1] > a[1] ? b : a));
    const retryAfter = Math.max(1, Math.ceil(waitMs / SECOND));
    this.counters.total++;
    this.counters.byChat.set(chatId, (this.counters.byChat.get(chatId) ?? 0) + 1);
    this.counters.byRule[rule]++;
    throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
  }

  record(chatId: number, now: number): void {
    this.prune(chatId, now).push(now);
    this.global.push(now);
  }

  resetCounters(): void {
    Object.assign(this.counters, emptyCounters());
  }

  private prune(chatId: number, now: number): number[] {
    const times = (this.perChat.get(chatId) ?? []).filter((t) => t > now - MINUTE);
    this.perChat.set(chatId, times);
    return times;
  }
}

function emptyCounters(): RateLimitCounters {
  return { total: 0, byChat: new Map(), byRule: { 'per-chat-second': 0, 'per-group-minute': 0, 'global-second': 0 } };
}
