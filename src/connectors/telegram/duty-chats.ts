import { type DutyTarget } from 'replywatch/sdk';
import { addressOf } from './telegram-target';

/**
 * The duty chats of this bot: rules.yaml targets naming this connector, plus the new ids of
 * any that were upgraded to supergroups since (rules.yaml may still hold the old id).
 */
export class DutyChats {
  private readonly aliases = new Map<number, number>();

  constructor(private readonly targetsOf: () => DutyTarget[]) {}

  /** Chat ids the bot may speak in, besides private chats. */
  ids(): Set<number> {
    const ids = new Set<number>();
    for (const target of this.targets()) {
      const address = addressOf(target.to);
      if (!address) continue;
      ids.add(address.chatId);
      ids.add(this.current(address.chatId));
    }
    return ids;
  }

  has(chatId: number): boolean {
    return this.ids().has(chatId);
  }

  targets(): DutyTarget[] {
    return this.targetsOf();
  }

  /** Follows upgrades: the id to write to today. */
  current(chatId: number): number {
    let id = chatId;
    for (let hops = 0; hops < 5 && this.aliases.has(id); hops++) id = this.aliases.get(id) as number;
    return id;
  }

  addAlias(oldId: number, newId: number): void {
    this.aliases.set(oldId, newId);
  }
}
