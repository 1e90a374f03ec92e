import { readFileSync } from 'node:fs';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { type DovecotServer } from './dovecot';

/**
 * Connection options for `user` on the harness server: plain port, opportunistic STARTTLS
 * trusting the harness CA when the server has TLS. Spread and override them for other setups.
 */
export function imapClientOptions(server: DovecotServer, user: string): ImapFlowOptions {
  const account = server.users.find((candidate) => candidate.user === user);
  if (!account) throw new Error(`No user ${user} on this Dovecot (it has ${server.users.map((u) => u.user).join(', ')})`);
  return {
    host: server.host,
    port: server.port,
    secure: false,
    auth: { user: account.user, pass: account.password },
    logger: false,
    ...(server.caFile ? { tls: { ca: [readFileSync(server.caFile)] } } : {}),
  };
}

/** Runs `fn` on a fresh logged-in connection (an ImapFlow instance cannot reconnect) and logs out. */
export async function withImap<T>(server: DovecotServer, user: string, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow(imapClientOptions(server, user));
  await client.connect();
  try {
    return await fn(client);
  } finally {
    // The server may be gone by now (tests kill it on purpose): then there is nothing to log out of.
    await client.logout().catch(() => client.close());
  }
}

/** Appends as another mail client would; `uidValidity` is a string because IMAP's is a 32-bit unsigned BigInt. */
export function appendMail(server: DovecotServer, user: string, mailbox: string, raw: string, flags?: string[]): Promise<{ uid: number; uidValidity: string }> {
  return withImap(server, user, async (client) => {
    const appended = await client.append(mailbox, raw, flags);
    if (!appended || appended.uid === undefined || appended.uidValidity === undefined) {
      throw new Error(`APPEND to ${mailbox} returned no APPENDUID: ${JSON.stringify(appended)}`);
    }
    return { uid: appended.uid, uidValidity: appended.uidValidity.toString() };
  });
}

export function setFlags(server: DovecotServer, user: string, mailbox: string, uid: number, flags: string[]): Promise<void> {
  return storeFlags(server, user, mailbox, uid, flags, 'add');
}

export function removeFlags(server: DovecotServer, user: string, mailbox: string, uid: number, flags: string[]): Promise<void> {
  return storeFlags(server, user, mailbox, uid, flags, 'remove');
}

function storeFlags(server: DovecotServer, user: string, mailbox: string, uid: number, flags: string[], change: 'add' | 'remove'): Promise<void> {
  return withImap(server, user, async (client) => {
    const lock = await client.getMailboxLock(mailbox);
    try {
      const range = String(uid);
      const stored = change === 'add' ? await client.messageFlagsAdd(range, flags, { uid: true }) : await client.messageFlagsRemove(range, flags, { uid: true });
      if (!stored) throw new Error(`STORE ${change} ${flags.join(' ')} on UID ${uid} in ${mailbox} failed`);
    } finally {
      lock.release();
    }
  });
}
