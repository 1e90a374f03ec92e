import { z } from 'zod';
import { ConnectorError, defineConnector, durationSchema, secret, type ConnectorDefinition, type Health, type InboundMessage } from '../../../../src/plugins/sdk';
import { type FeedItem } from './feed';

/** Deliberate mistakes, one per variant, each of which the kit must catch. */
export interface InboundFlaws {
  /** Stores the cursor while accept() is still pending. */
  cursorBeforeAccept?: boolean;
  /** Keeps the cursor in a variable only: a restart reads everything again. */
  memoryCursor?: boolean;
  /** stop() returns at once instead of waiting for the poll loop. */
  stopDoesNotWait?: boolean;
  /** Logs a failed accept() and moves on past the message. */
  swallowsFailedAccept?: boolean;
}

/** Not flaws: the same reader on ctx.scheduler.every instead of a long-running singleton, or with its cursor in a table of its own. */
export interface FeedOptions {
  loop?: 'singleton' | 'scheduler';
  /** `table`: the cursor lives in ctx.database (`feed_cursor`, created and seeded by two migrations) instead of ctx.state. */
  cursorIn?: 'state' | 'table';
}

/** The second needs the first: applied out of order, they fail. */
const CURSOR_TABLE_MIGRATIONS = [
  { name: '001-feed-cursor', up: `CREATE TABLE feed_cursor (feed text PRIMARY KEY, seq integer NOT NULL)` },
  { name: '002-feed-cursor-start', up: `INSERT INTO feed_cursor (feed, seq) VALUES ('main', 0)` },
];

const configSchema = z.object({ feedUrl: z.url(), apiKey: secret(z.string().min(8)), pollInterval: durationSchema.default(2000) });
type FeedConfig = z.infer<typeof configSchema>;

const BATCH = 10;

/** Polls a feed on ctx.clock, in ctx.singleton, storing its cursor in ctx.state after each accept. */
export function feedConnector(id: string, flaws: InboundFlaws = {}, { loop = 'singleton', cursorIn = 'state' }: FeedOptions = {}): ConnectorDefinition<FeedConfig> {
  const table = cursorIn === 'table';
  return defineConnector({
    manifest: { id, direction: 'inbound', channel: 'kit-feed', configSchema, services: [table ? 'database' : 'state', loop], ...(table ? { migrations: CURSOR_TABLE_MIGRATIONS } : {}) },
    create(ctx) {
      const saveCursor = async (seq: number): Promise<void> => {
        if (!table) return void (await ctx.state.set('cursor', seq));
        await ctx.database.query(`UPDATE feed_cursor SET seq = $1 WHERE feed = 'main'`, [seq]);
      };
      const loadCursor = async (): Promise<number> => {
        if (!table) return (await ctx.state.get<number>('cursor'))?.value ?? 0;
        const [row] = await ctx.database.query<{ seq: number }>(`SELECT seq FROM feed_cursor WHERE feed = 'main'`);
        if (!row) throw new Error('feed_cursor has no row: the migrations did not run in order');
        return Number(row.seq);
      };
      const read = async (after: number, limit: number, signal: AbortSignal): Promise<FeedItem[]> => {
        const response = await fetch(`${ctx.config.feedUrl}/items?after=${after}&limit=${limit}`, { headers: { authorization: `Bearer ${ctx.config.apiKey}` }, signal });
        if (response.status === 401) throw new ConnectorError('AUTH_FAILED', 'the feed rejected the API key');
        if (!response.ok) throw new ConnectorError('TEMPORARY', `the feed answered ${response.status}`);
        return ((await response.json()) as { items: FeedItem[] }).items;
      };
      const toMessage = (item: FeedItem): InboundMessage => ({ conversation: { id: item.chat }, id: item.id, text: item.text, sentAt: new Date(item.at), author: { id: item.from } });
      let memoryCursor = 0;

      const handOver = async (sink: { accept(m: InboundMessage): Promise<unknown> }, item: FeedItem): Promise<void> => {
        if (flaws.cursorBeforeAccept) {
          await Promise.all([sink.accept(toMessage(item)), saveCursor(item.seq)]);
          return;
        }
        if (flaws.swallowsFailedAccept) {
          await sink.accept(toMessage(item)).catch((error: unknown) => ctx.logger.warn(`dropped ${item.id}: ${String(error)}`));
        } else {
          await sink.accept(toMessage(item));
        }
        if (flaws.memoryCursor) memoryCursor = item.seq;
        else await saveCursor(item.seq);
      };

      return {
        async verify(): Promise<Health> {
          try {
            await read(0, 1, AbortSignal.timeout(5000));
            return { status: 'up' };
          } catch (error) {
            return { status: 'down', detail: ConnectorError.is(error) ? error.message : 'the feed is unreachable' };
          }
        },

        start(sink) {
          const readAll = async (signal: AbortSignal, cursor: number): Promise<number> => {
            for (;;) {
              const items = await read(cursor, BATCH, signal);
              if (items.length === 0) return cursor;
              for (const item of items) {
                if (signal.aborted) return cursor;
                await handOver(sink, item);
                cursor = item.seq;
              }
            }
          };
          const storedCursor = async (): Promise<number> => (flaws.memoryCursor ? memoryCursor : await loadCursor());
          const handle =
            loop === 'scheduler'
              ? ctx.scheduler.every('poll', ctx.config.pollInterval, async (signal) => void (await readAll(signal, await storedCursor())))
              : ctx.singleton.run('poll', async (signal) => {
                  let cursor = await storedCursor();
                  while (!signal.aborted) {
                    cursor = await readAll(signal, cursor);
                    await ctx.clock.sleep(ctx.config.pollInterval, signal);
                  }
                });
          const stop = flaws.stopDoesNotWait
            ? () => {
                void handle.stop();
                return Promise.resolve();
              }
            : () => handle.stop();
          return Promise.resolve({ stop });
        },
      };
    },
  });
}
