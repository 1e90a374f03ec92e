import { type InboundSource } from '../../../src/plugins/testing';
import { type FakeBotApi } from '../fake-bot-api';

const GROUP = -1005500000001;
const CUSTOMER = { id: 5550001, first_name: 'Casey' };

/**
 * Telegram as a kit source: customer messages in a group, queued at the fake Bot API and
 * acknowledged when the bot confirms them with the next getUpdates offset.
 */
export class BotApiSource implements InboundSource {
  private published = 0;

  constructor(private readonly peer: FakeBotApi) {}

  reset(): Promise<void> {
    this.peer.dropPendingUpdates();
    this.published = 0;
    return Promise.resolve();
  }

  publish(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      this.peer.groupMessage({ chatId: GROUP, title: 'Acme support', from: CUSTOMER, text: `question ${this.published + i + 1}` });
      ids.push(`${GROUP}:${this.peer.lastMessageId(GROUP)}`);
    }
    this.published += count;
    return Promise.resolve(ids);
  }

  acknowledged(): Promise<number> {
    return Promise.resolve(this.published - this.peer.pendingUpdateCount);
  }
}
