import { ImapFlow } from 'imapflow';
import { readMailFacts } from '../../src/connectors/mail/mail-facts';
import { type Backend } from '../../src/core/persistence/database';
import { measureBaselines } from '../http/baselines';
import { imapClientOptions, type DovecotServer } from './dovecot';

const PARSE_WARMUP = 200;

export interface ImapBaselines {
  /** UID SEARCH + FETCH of the catch-up mails in the connector's batches, one client, no hub (second pass). */
  fetch: { mails: number; perSecond: number; connectMs: number };
  /** readMailFacts() of the same sources in this process, one after another as the connector does (warmed up). */
  parse: { mails: number; perSecond: number };
  /** IntakeService.accept() in this process, 64 callers, fresh database (bench/http's baseline). */
  intake: { messages: number; perSecond: number; p99Ms: number };
}

export interface FetchSettings {
  batchSize: number;
  fetchBytes: number;
  maxTextLength: number;
}

/**
 * What the catch-up could reach at most, measured in the same run once the hub has stopped:
 * Dovecot serving the connector's exact fetch for the mails after `afterUid` (connect, EXAMINE,
 * UID SEARCH, then FETCH (UID FLAGS INTERNALDATE BODY.PEEK[]<0.fetchBytes>) per batch);
 * mailparser on those mails; and the hub's intake without IMAP.
 */
export async function measureImapBaselines(server: DovecotServer, user: string, afterUid: number, settings: FetchSettings, backend: Backend, adminUrl: string): Promise<ImapBaselines> {
  // Twice, the second pass counted: the first one loads and warms imapflow in this process.
  await fetchLikeTheConnector(server, user, afterUid, settings);
  const { sources, fetch } = await fetchLikeTheConnector(server, user, afterUid, settings);
  // mailparser's modules and charset tables load on first use: warm them on a few mails first.
  for (const source of sources.slice(0, PARSE_WARMUP)) await readMailFacts(source, settings.maxTextLength);
  const parseStart = performance.now();
  for (const source of sources) await readMailFacts(source, settings.maxTextLength);
  const parseMs = performance.now() - parseStart;
  const intake = await measureBaselines(backend, adminUrl, 100, sources.length, sources.length);
  return {
    fetch,
    parse: { mails: sources.length, perSecond: (sources.length * 1000) / parseMs },
    intake: { messages: sources.length, perSecond: intake.inProcessPerSecond, p99Ms: intake.inProcessP99Ms },
  };
}

async function fetchLikeTheConnector(server: DovecotServer, user: string, afterUid: number, settings: FetchSettings): Promise<{ sources: Buffer[]; fetch: ImapBaselines['fetch'] }> {
  const start = performance.now();
  const client = new ImapFlow({ ...imapClientOptions(server, user), disableAutoIdle: true, disableBinary: true });
  await client.connect();
  try {
    await client.mailboxOpen('INBOX', { readOnly: true });
    const connectMs = performance.now() - start;
    const found = await client.search({ uid: `${afterUid + 1}:*` }, { uid: true });
    if (!found) throw new Error('UID SEARCH failed');
    const uids = found.filter((uid) => uid > afterUid).sort((a, b) => a - b);
    const sources: Buffer[] = [];
    for (let i = 0; i < uids.length; i += settings.batchSize) {
      const chunk = uids.slice(i, i + settings.batchSize);
      const fetched = await client.fetchAll(chunk.join(','), { uid: true, flags: true, internalDate: true, source: { maxLength: settings.fetchBytes } }, { uid: true });
      for (const message of fetched) if (message.source) sources.push(message.source);
    }
    const ms = performance.now() - start;
    return { sources, fetch: { mails: sources.length, perSecond: (sources.length * 1000) / ms, connectMs } };
  } finally {
    await client.logout().catch(() => client.close());
  }
}
