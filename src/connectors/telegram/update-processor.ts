import { type ConnectorLogger } from 'replywatch/sdk';
import { chatOfUpdate, type WireUpdate } from './telegram.wire';

/**
 * Runs a batch of updates: each chat's updates in order (a topic closed after a message must
 * see the message first), different chats side by side so intake can commit them together.
 * Returns the highest update id up to which every update succeeded; the caller confirms only
 * that far, so a failed update and everything after it come back and nothing is skipped.
 */
export class UpdateProcessor {
  failures = 0;

  constructor(
    private readonly handle: (update: WireUpdate) => Promise<void>,
    private readonly logger: ConnectorLogger,
  ) {}

  async process(updates: readonly WireUpdate[]): Promise<number | undefined> {
    if (updates.length === 0) return undefined;
    const byChat = new Map<string, WireUpdate[]>();
    for (const update of updates) {
      const key = String(chatOfUpdate(update) ?? `update:${update.update_id}`);
      const list = byChat.get(key);
      if (list) list.push(update);
      else byChat.set(key, [update]);
    }
    const failed: number[] = [];
    await Promise.all(
      [...byChat.values()].map(async (list) => {
        for (const [i, update] of list.entries()) {
          try {
            await this.handle(update);
          } catch (error) {
            this.failures++;
            this.logger.error(`update ${update.update_id} failed and will be fetched again: ${error instanceof Error ? error.message : String(error)}`);
            failed.push(...list.slice(i).map((u) => u.update_id));
            return;
          }
        }
      }),
    );
    const ids = updates.map((u) => u.update_id).sort((a, b) => a - b);
    if (failed.length === 0) return ids[ids.length - 1];
    const firstFailed = Math.min(...failed);
    const done = ids.filter((id) => id < firstFailed);
    return done.length > 0 ? done[done.length - 1] : undefined;
  }
}
