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
  constructor(
    private readonly state: StateStore,
    private readonly key: string,
  ) {}

  async load(): Promise<CursorValue | undefined> {
    return (await this.state.get<CursorValue>(this.key))?.value;
  }

  /**
   * Saves progress. Within one UIDVALIDITY it never moves back, so a replica that lost its lease
   * a moment ago cannot undo the progress of the one that took over.
   */
  async save(next: CursorValue): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await this.state.get<CursorValue>(this.key);
      const current = stored?.value;
      if (current && current.uidValidity === next.uidValidity && current.lastUid > next.lastUid) return;
      if ((await this.state.compareAndSet(this.key, stored?.version, next)) !== false) return;
    }
    throw new Error(`could not save the cursor ${this.key}: it kept changing underneath`);
  }
}
