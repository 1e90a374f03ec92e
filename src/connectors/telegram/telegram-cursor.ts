import { type StateStore } from 'replywatch/sdk';

/** The last update handled, per bot: where polling resumes after a restart or a failover. */
export class TelegramCursor {
  constructor(
    private readonly state: StateStore,
    private readonly botId: number,
  ) {}

  private get key(): string {
    return `cursor:${this.botId}`;
  }

  async load(): Promise<number | undefined> {
    const stored = await this.state.get<{ lastUpdateId: number }>(this.key);
    return stored ? Number(stored.value.lastUpdateId) : undefined;
  }

  /** Never moves back: two replicas during a failover cannot undo each other's progress. */
  async save(lastUpdateId: number): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await this.state.get<{ lastUpdateId: number }>(this.key);
      if (stored && Number(stored.value.lastUpdateId) >= lastUpdateId) return;
      if ((await this.state.compareAndSet(this.key, stored?.version, { lastUpdateId })) !== false) return;
    }
    throw new Error(`could not save the update cursor ${lastUpdateId}: it kept changing underneath`);
  }
}
