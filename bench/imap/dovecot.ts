// test/support/dovecot.ts also holds `describeWithDovecot`, which names Jest's globals; the bench
// build (types: node) needs their declarations to compile it. Nothing of Jest runs here.
/// <reference types="jest" />
import { startDovecot, type DovecotServer } from '../../test/support/dovecot';
import { pendingCleanups } from '../shared/lifecycle';

export { type DovecotServer } from '../../test/support/dovecot';
export { imapClientOptions } from '../../test/support/imap-client';

export const MAILBOX_USER = 'support@example.test';

export interface BenchDovecot {
  server: DovecotServer;
  /** Stops the server and removes its directory (also run on abort until then). */
  dispose(): Promise<void>;
}

/** The tests' throwaway Dovecot (loopback, Maildir in a temp directory, IDLE via inotify), one user. */
export async function benchDovecot(password: string): Promise<BenchDovecot> {
  const server = await startDovecot({ users: [{ user: MAILBOX_USER, password }] });
  const cleanup = () => server.cleanup();
  pendingCleanups.add(cleanup);
  return {
    server,
    dispose: async () => {
      await cleanup();
      pendingCleanups.delete(cleanup);
    },
  };
}
