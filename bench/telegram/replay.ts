export type Role = 'customer' | 'staff';

/** One expected inquiry of a conversation, in opening order. */
export interface ExpectedInquiry {
  customerMessages: number;
  answered: boolean;
}

/**
 * The plain definition the stored inquiries must equal, replayed in arrival order per
 * conversation: a customer message opens an inquiry when none is waiting (else it joins the
 * waiting one), a staff message answers the waiting one. Exact for this benchmark's workload,
 * whose messages in one group are seconds apart (or, in the burst, customers before staff), so
 * arrival order and the hub's time order (customer before staff at the same instant) agree.
 * Also keeps the set of groups with a waiting inquiry, for the workload to aim staff replies at.
 */
export class ConversationReplay {
  private readonly inquiries = new Map<number, ExpectedInquiry[]>();
  private readonly open: number[] = [];
  private readonly openAt = new Map<number, number>();

  apply(group: number, role: Role): void {
    const list = this.inquiries.get(group) ?? [];
    this.inquiries.set(group, list);
    const last = list[list.length - 1];
    const waiting = last !== undefined && !last.answered;
    if (role === 'customer') {
      if (waiting) last.customerMessages++;
      else {
        list.push({ customerMessages: 1, answered: false });
        this.markOpen(group);
      }
    } else if (waiting) {
      last.answered = true;
      this.markAnswered(group);
    }
  }

  isOpen(group: number): boolean {
    return this.openAt.has(group);
  }

  /** A random group with a waiting inquiry, or undefined when there is none. */
  randomOpen(random: () => number): number | undefined {
    return this.open.length === 0 ? undefined : this.open[Math.floor(random() * this.open.length)];
  }

  /** Every conversation that received a message, with its inquiries in opening order. */
  expected(): ReadonlyMap<number, readonly ExpectedInquiry[]> {
    return this.inquiries;
  }

  counts(): { inquiries: number; waiting: number } {
    let inquiries = 0;
    for (const list of this.inquiries.values()) inquiries += list.length;
    return { inquiries, waiting: this.open.length };
  }

  snapshot(): ConversationReplay {
    const copy = new ConversationReplay();
    for (const [group, list] of this.inquiries) copy.inquiries.set(group, list.map((i) => ({ ...i })));
    for (const group of this.open) copy.markOpen(group);
    return copy;
  }

  private markOpen(group: number): void {
    if (this.openAt.has(group)) return;
    this.openAt.set(group, this.open.length);
    this.open.push(group);
  }

  private markAnswered(group: number): void {
    const at = this.openAt.get(group);
    if (at === undefined) return;
    const moved = this.open.pop() as number;
    if (moved !== group) {
      this.open[at] = moved;
      this.openAt.set(moved, at);
    }
    this.openAt.delete(group);
  }
}
