import { type CommandOutcome, type ConnectorLogger, INQUIRY_COMMANDS, type InboundMessage, type InquiryCommand, type InquiryService, type NoticeService } from 'replywatch/sdk';
import { type DutyChats } from './duty-chats';
import { type ParsedCommand } from './telegram.mapper';
import { type TelegramSession } from './telegram-session';

const DONE: Record<InquiryCommand, string> = { hold: '⏸ On hold', resume: '▶️ Resumed', resolve: '☑️ Resolved', escalate: '🚨 Escalated' };

/**
 * /hold, /resume, /resolve, /escalate typed by staff in a customer chat: they act on that
 * conversation's waiting inquiry, and the answer goes to the duty chat, never back to the
 * customer's. The confirmation is keyed by the update, so a redelivered update confirms once.
 */
export class StaffCommands {
  constructor(
    private readonly inquiries: InquiryService,
    private readonly notices: NoticeService,
    private readonly dutyChats: DutyChats,
    private readonly logger: ConnectorLogger,
  ) {}

  isInquiryCommand(name: string): name is InquiryCommand {
    return (INQUIRY_COMMANDS as readonly string[]).includes(name);
  }

  async run(session: TelegramSession, updateId: number, command: ParsedCommand & { name: InquiryCommand }, message: InboundMessage): Promise<void> {
    const conversationId = message.conversation.id;
    const by = `${message.author.name ?? message.author.id} (telegram:${message.author.id})`;
    const open = await this.inquiries.openIn(conversationId);
    const outcome: CommandOutcome = open
      ? await this.inquiries.run(command.name, open.inquiryId, { by, ...(command.args ? { reason: command.args } : {}) })
      : { ok: false, code: 'not_found', message: 'nothing is waiting for an answer there' };
    const where = open?.title ?? message.conversation.title ?? `chat ${conversationId}`;
    const text = outcome.ok ? `${DONE[command.name]} by ${by} — ${where}${command.args ? `\nReason: ${command.args}` : ''}` : `⚠️ /${command.name} by ${by} in ${where}: ${outcome.message}`;
    await this.confirm(session, updateId, text, { id: conversationId, title: open?.title ?? message.conversation.title ?? null }, open?.inquiryId);
  }

  private async confirm(session: TelegramSession, updateId: number, text: string, conversation: { id: string; title: string | null }, inquiryId: string | undefined): Promise<void> {
    const targets = this.dutyChats.targets();
    const target = session.config.confirmTo ? targets.find((t) => t.name === session.config.confirmTo) : targets[0];
    if (!target) {
      this.logger.warn(`no Telegram duty target to confirm a command in; add one to duty.targets in rules.yaml (${text})`);
      return;
    }
    await this.notices.send({
      target: target.name,
      key: `${session.botId}:update:${updateId}:confirm`,
      topic: 'command.confirmed',
      text,
      conversation,
      ...(inquiryId ? { inquiryId } : {}),
    });
  }
}
