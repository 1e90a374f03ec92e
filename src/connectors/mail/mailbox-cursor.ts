import { type StateStore } from 'replywatch/sdk';

/** Where reading a mailbox resumes: valid while the server keeps the same UIDVALIDITY. */
export interface CursorValue {
  /** A BigInt on the wire; kept as a string. */
  uidValidity: string;
  /** Every mail up to this UID was handed to the hub. */
  lastUid: number;
  /** CONDSTORE: flag changes after this are found with CHANGEDSINCE after a reconnect. */
  highestModseq?: string;
  /** When the mailbox was last read to the end (epoch ms): how far back a resync must reach. */
  syncedAt: number;
}

/** The restart-safe cursor of one watched mailbox, in the connector's state (shared by replicas). */
export class MailboxCursor {
  /** The version this process last read or wrote: saving against it needs no read first. */
  private version: number | undefined;

  constructor(
    private readonly state: StateStore,
    private readonly key: string,
  ) {}

  async load(): Promise<CursorValue | undefined> {
    const stored = await this.state.get<CursorValue>(this.key);
    this.version = stored?.version;
    return stored?.value;
  }

  /**
   * Saves progress. Within one UIDVALIDITY it never moves back, so a replica that lost its lease
   * a moment ago cannot undo the progress of the one that took over.
   */
  async save(next: CursorValue): Promise<void> {
    if (this.version !== undefined) {
      const written = await this.state.compareAndSet(this.key, this.version, next);
      if (written !== false) {
        this.version = written;
        return;
      }
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await this.state.get<CursorValue>(this.key);
      const current = stored?.value;
      this.version = stored?.version;
      if (current && current.uidValidity === next.uidValidity && current.lastUid > next.lastUid) return;
      const written = await this.state.compareAndSet(this.key, stored?.version, next);
      if (written !== false) {
        this.version = written;
        return;
      }
    }
    throw new Error(`could not save the cursor ${this.key}: it kept changing underneath`);
  }
}
