const MINUTE = 60_000;
const GLOBAL_PER_SECOND = 30;

/**
 * Keeps sends under Telegram's flood limits before Telegram has to say so: about one message
 * a second per chat, a per-minute budget per group, ~30/s in all. It only answers "wait this
 * long"; the outbox does the waiting. Per process: replicas each pace their own sends, and a
 * 429 from Telegram (which blocks the chat here too) covers what they add up to.
 */
export class Pacer {
  private readonly nextFree = new Map<number, number>();
  private readonly groupSends = new Map<number, number[]>();
  private readonly recent: number[] = [];

  constructor(private readonly settings: { perChatInterval: number; perGroupPerMinute: number }) {}

  /** 0 when a message may go now (and it is counted), else how long to wait in ms. */
  reserve(chatId: number, now: number): number {
    const wait = Math.max(this.chatWait(chatId, now), this.groupWait(chatId, now), this.globalWait(now));
    if (wait > 0) return wait;
    this.nextFree.set(chatId, now + this.settings.perChatInterval);
    if (chatId < 0) this.groupSends.set(chatId, [...this.windowOf(chatId, now), now]);
    this.recent.push(now);
    return 0;
  }

  /** Telegram said retry_after: nothing goes to this chat before then. */
  block(chatId: number, until: number): void {
    this.nextFree.set(chatId, Math.max(this.nextFree.get(chatId) ?? 0, until));
  }

  private chatWait(chatId: number, now: number): number {
    return Math.max(0, (this.nextFree.get(chatId) ?? 0) - now);
  }

  private groupWait(chatId: number, now: number): number {
    if (chatId > 0) return 0;
    const window = this.windowOf(chatId, now);
    if (window.length < this.settings.perGroupPerMinute) return 0;
    return (window[window.length - this.settings.perGroupPerMinute] as number) + MINUTE - now;
  }

  private globalWait(now: number): number {
    while (this.recent.length > 0 && (this.recent[0] as number) <= now - 1000) this.recent.shift();
    return this.recent.length < GLOBAL_PER_SECOND ? 0 : (this.recent[0] as number) + 1000 - now;
  }

  private windowOf(chatId: number, now: number): number[] {
    return (this.groupSends.get(chatId) ?? []).filter((at) => at > now - MINUTE);
  }
}

/**
 * Where a text may be cut: given the text, a test of each position. A duty notice in HTML must
 * not be cut inside a tag, an entity or a link's text (see htmlCutGuard).
 */
export type CutGuard = (text: string) => (at: number) => boolean;

const anywhere: CutGuard = () => () => true;

/**
 * Splits text into Telegram-sized parts, preferring line breaks, then spaces; no part is empty.
 * `guard` rules out positions (markup); the hard cut at the limit moves back to the nearest
 * position it allows.
 */
export function splitText(text: string, limit = 4096, guard: CutGuard = anywhere): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const at = cutPoint(rest, limit, guard(rest));
    const part = rest.slice(0, at).trimEnd();
    if (part.length > 0) parts.push(part);
    rest = rest.slice(at).replace(/^[\n ]+/, '');
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

function cutPoint(rest: string, limit: number, allowed: (at: number) => boolean): number {
  const window = rest.slice(0, limit);
  const newline = lastAllowed(window, '\n', allowed);
  if (newline > limit / 2) return newline;
  const space = lastAllowed(window, ' ', allowed);
  if (space > limit / 2) return space;
  for (let at = limit; at > 0; at--) {
    // Never cut an emoji (a UTF-16 surrogate pair) in half.
    if (/[\uD800-\uDBFF]/.test(rest.charAt(at - 1))) continue;
    if (allowed(at)) return at;
  }
  return limit;
}

function lastAllowed(window: string, char: string, allowed: (at: number) => boolean): number {
  for (let at = window.lastIndexOf(char); at > 0; at = window.lastIndexOf(char, at - 1)) {
    if (allowed(at)) return at;
  }
  return -1;
}
