import { type Health, type HealthPart, type HealthReporter } from 'replywatch/sdk';

export type MailboxPhase = 'standby' | 'connecting' | 'syncing' | 'idling' | 'polling' | 'down';

/** What operators see of one watched mailbox on /health/ready. */
export interface MailboxStatus {
  /** `support/INBOX`, `support/Sent`. */
  name: string;
  phase: MailboxPhase;
  /** When the mailbox was last read to the end (epoch ms). */
  lastSyncAt?: number;
  lastError?: string;
  /** Mails found but not yet handed to the hub. */
  behind: number;
}

/**
 * Every watched mailbox's status, reported as the connector's health: up while each is
 * connected (or standing by for another replica), degraded while some are down — one wrong
 * password takes down only its own mailbox — and down when all are.
 */
export class MailboxStatusBoard {
  private readonly mailboxes = new Map<string, MailboxStatus>();

  constructor(
    private readonly reporter: HealthReporter,
    private readonly clock: { now(): number },
  ) {}

  add(name: string): MailboxStatus {
    // Until this replica wins the mailbox's lease, another one may be watching it.
    const status: MailboxStatus = { name, phase: 'standby', behind: 0 };
    this.mailboxes.set(name, status);
    return status;
  }

  update(name: string, change: Partial<Omit<MailboxStatus, 'name'>>): void {
    const status = this.mailboxes.get(name);
    if (!status) return;
    Object.assign(status, change);
    // The last error stays visible through reconnect attempts, until the mailbox is read again.
    if (change.phase === 'idling' || change.phase === 'polling') delete status.lastError;
    this.reporter.report(this.health());
  }

  list(): MailboxStatus[] {
    return [...this.mailboxes.values()];
  }

  health(): Health {
    const all = this.list();
    const down = all.filter((s) => s.phase === 'down');
    const status = all.length > 0 && down.length === all.length ? 'down' : down.length > 0 ? 'degraded' : 'up';
    return { status, detail: all.map((s) => this.describe(s)).join('; '), parts: all.map((s) => this.part(s)) };
  }

  private part(s: MailboxStatus): HealthPart {
    return {
      name: s.name,
      status: s.phase === 'down' ? 'down' : 'up',
      detail: s.lastError === undefined ? s.phase : `${s.phase}: ${s.lastError}`,
      backlog: s.behind,
      ...(s.lastSyncAt === undefined ? {} : { lastSyncAt: new Date(s.lastSyncAt).toISOString() }),
    };
  }

  private describe(s: MailboxStatus): string {
    const parts: string[] = [s.phase];
    if (s.lastSyncAt !== undefined) parts.push(`synced ${Math.max(0, Math.round((this.clock.now() - s.lastSyncAt) / 1000))} s ago`);
    if (s.behind > 0) parts.push(`${s.behind} behind`);
    if (s.lastError !== undefined) parts.push(s.lastError);
    return `${s.name}: ${parts.join(', ')}`;
  }
}
