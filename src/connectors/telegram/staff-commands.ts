import { Logger } from '@nestjs/common';
import { type Clock } from '../../core/clock/clock';
import { type ConversationDirectory } from '../../core/conversations/conversation-directory';
import { type CommandOutcome, type InquiryCommand, type InquiryCommands } from '../../core/inquiries/inquiry-commands';
import { enqueueDeliveries } from '../../core/outbox/outbox-writer';
import { type Database } from '../../core/persistence/database';
import { type InboundMessage } from '../../plugins/contract/message';
import { type DutyChats } from './duty-chats';
import { type ParsedCommand } from './telegram.mapper';
import { type TelegramSession } from './telegram-session';

export const INQUIRY_COMMANDS: readonly InquiryCommand[] = ['hold', 'resume', 'resolve', 'escalate'];

const DONE: Record<InquiryCommand, string> = { hold: '⏸ On hold', resume: '▶️ Resumed', resolve: '☑️ Resolved', escalate: '🚨 Escalated' };

/**
 * /hold, /resume, /resolve, /escalate typed by staff in a customer chat: they act on that
 * conversation's waiting inquiry, and the answer goes to the duty chat, never back to the
 * customer's. The confirmation is keyed by the update, so a redelivered update confirms once.
 */
export class StaffCommands {
  private readonly logger = new Logger('telegram:commands');

  constructor(
    private readonly commands: InquiryCommands,
    private readonly directory: ConversationDirectory,
    private readonly dutyChats: DutyChats,
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly wakeOutbox: () => void,
  ) {}

  isInquiryCommand(name: string): name is InquiryCommand {
    return (INQUIRY_COMMANDS as readonly string[]).includes(name);
  }

  async run(session: TelegramSession, updateId: number, command: ParsedCommand & { name: InquiryCommand }, message: InboundMessage): Promise<void> {
    const conversationId = message.conversation.id;
    const by = `${message.author.name ?? message.author.id} (telegram:${message.author.id})`;
    const open = await this.directory.openInquiry(session.channel, conversationId);
    const outcome: CommandOutcome = open
      ? await this.commands.run(command.name, open.inquiryId, { by, ...(command.args ? { reason: command.args } : {}) })
      : { ok: false, code: 'not_found', message: 'nothing is waiting for an answer there' };
    const where = open?.title ?? message.conversation.title ?? `chat ${conversationId}`;
    const text = outcome.ok ? `${DONE[command.name]} by ${by} — ${where}${command.args ? `\nReason: ${command.args}` : ''}` : `⚠️ /${command.name} by ${by} in ${where}: ${outcome.message}`;
    await this.confirm(session, updateId, text, { channel: session.channel, id: conversationId, title: open?.title ?? message.conversation.title ?? null }, open?.inquiryId);
  }

  /** A forum topic closed by its admins: nothing is left to answer there. */
  async resolveClosedTopic(inquiryId: string): Promise<void> {
    await this.commands.run('resolve', inquiryId, { by: 'telegram (topic closed)', reason: 'the forum topic was closed' });
  }

  private async confirm(session: TelegramSession, updateId: number, text: string, conversation: Record<string, unknown>, inquiryId: string | undefined): Promise<void> {
    const targets = this.dutyChats.targets();
    const target = session.config.confirmTo ? targets.find((t) => t.name === session.config.confirmTo) : targets[0];
    if (!target) {
      this.logger.warn(`no Telegram duty target to confirm a command in; add one to duty.targets in rules.yaml (${text})`);
      return;
    }
    const now = new Date(this.clock.now());
    await this.db.transaction((sql) =>
      enqueueDeliveries(
        sql,
        [
          {
            idempotencyKey: `telegram:${session.botId}:update:${updateId}:confirm`,
            connector: session.connectorId,
            kind: 'notify',
            target: { name: target.name, ...target.to },
            inquiryId: inquiryId ?? null,
            payload: { event: 'command.confirmed', text, conversation, ...(inquiryId ? { inquiryId } : {}) },
          },
        ],
        now,
      ),
    );
    this.wakeOutbox();
  }
}
