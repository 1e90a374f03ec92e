import { type StateStore } from 'replywatch/sdk';
import { type DutyChats } from './duty-chats';

const PREFIX = 'chat-alias:';

/** Groups upgraded to supergroups, kept in the connector's state so every replica and restart knows. */
export class ChatAliases {
  constructor(
    private readonly state: StateStore,
    private readonly dutyChats: DutyChats,
  ) {}

  async load(): Promise<void> {
    for (const entry of await this.state.list<{ newChatId: number }>(PREFIX)) {
      this.dutyChats.addAlias(Number(entry.key.slice(PREFIX.length)), Number(entry.value.newChatId));
    }
  }

  async record(oldId: number, newId: number): Promise<void> {
    await this.state.set(`${PREFIX}${oldId}`, { newChatId: newId });
    this.dutyChats.addAlias(oldId, newId);
  }
}
