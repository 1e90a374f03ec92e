import { type ImapFlow } from 'imapflow';

export type Wake = 'changed' | 'closed' | 'aborted';

/**
 * What the server pushed while the watcher idled: new mail (EXISTS), flag changes, expunges,
 * or the end of the connection. Changes that came while the watcher was busy are kept, so the
 * next wait returns at once and nothing pushed in between is missed.
 */
export class MailboxEvents {
  private pending = false;
  private flagsChanged = false;
  private closed: string | undefined;
  private ring: (() => void) | undefined;
  private readonly detach: () => void;

  constructor(client: ImapFlow) {
    const changed = () => {
      this.pending = true;
      this.ring?.();
    };
    const flags = () => {
      this.flagsChanged = true;
      changed();
    };
    const ended = (reason: string) => {
      this.closed ??= reason;
      this.ring?.();
    };
    const onClose = () => ended('the server closed the connection');
    // imapflow emits 'error' for a broken socket; without a listener Node would crash the hub.
    const onError = (error: Error) => ended(error.message);
    client.on('exists', changed);
    client.on('flags', flags);
    client.on('expunge', changed);
    client.on('close', onClose);
    client.on('error', onError);
    this.detach = () => {
      client.off('exists', changed);
      client.off('flags', flags);
      client.off('expunge', changed);
      client.off('close', onClose);
      client.off('error', onError);
    };
  }

  /** Why the connection ended, once it has. */
  get closedReason(): string | undefined {
    return this.closed;
  }

  /** Waits for a change, the end of the connection or `signal`; consumes the change. */
  async next(signal: AbortSignal): Promise<Wake> {
    if (this.closed === undefined && !this.pending && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.ring = undefined;
          signal.removeEventListener('abort', done);
          resolve();
        };
        this.ring = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
    if (this.closed !== undefined) return 'closed';
    if (signal.aborted) return 'aborted';
    this.pending = false;
    return 'changed';
  }

  /** Whether flags changed since the last call: only then are they looked at again. */
  takeFlagChange(): boolean {
    const changed = this.flagsChanged;
    this.flagsChanged = false;
    return changed;
  }

  dispose(): void {
    this.detach();
    this.ring?.();
  }
}
