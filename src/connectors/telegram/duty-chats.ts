import { type RulesStore } from '../../core/rules/rules-store';
import { type DutyTarget } from '../../core/config/rules.schema';

export interface TelegramAddress {
  chatId: number;
  topicId?: number;
}

/**
 * The duty chats of this bot: rules.yaml targets whose connector is `telegram`, plus the new
 * ids of any that were upgraded to supergroups since (rules.yaml may still hold the old id).
 */
export class DutyChats {
  private readonly aliases = new Map<number, number>();

  constructor(
    private readonly rules: RulesStore,
    private readonly connectorId: string,
  ) {}

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
    return this.rules.current.rules.duty.targets.filter((t) => t.connector === this.connectorId);
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

/** `to: { chatId: -100…, topicId?: 12 }` of a duty target; undefined when malformed. */
export function addressOf(to: Record<string, unknown>): TelegramAddress | undefined {
  const chatId = typeof to.chatId === 'string' && /^-?\d+$/.test(to.chatId) ? Number(to.chatId) : to.chatId;
  if (typeof chatId !== 'number' || !Number.isSafeInteger(chatId)) return undefined;
  const topicId = to.topicId;
  if (topicId === undefined) return { chatId };
  return typeof topicId === 'number' && Number.isSafeInteger(topicId) && topicId > 0 ? { chatId, topicId } : undefined;
}
