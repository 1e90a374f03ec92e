/**
 * Telegram dates messages in whole seconds, yet a customer's follow-up often lands in the
 * same second as the staff reply before it. Updates of one chat are handled in update order,
 * so each message of a chat gets its second plus one millisecond per earlier message of that
 * second: the stored order is Telegram's order, and intake can take its fast path.
 * Per process and forgotten after a minute; a message seen again keeps its first stamp
 * (message ids are idempotent), so a redelivery cannot reorder anything.
 */
export class SameSecondOrder {
  private readonly last = new Map<number, { second: number; count: number }>();

  stamp(chatId: number, dateSeconds: number): Date {
    const previous = this.last.get(chatId);
    const count = previous && previous.second === dateSeconds ? Math.min(previous.count + 1, 999) : 0;
    this.last.set(chatId, { second: dateSeconds, count });
    if (this.last.size > 10_000) this.forgetBefore(dateSeconds - 60);
    return new Date(dateSeconds * 1000 + count);
  }

  private forgetBefore(second: number): void {
    for (const [chatId, entry] of this.last) if (entry.second < second) this.last.delete(chatId);
  }
}
