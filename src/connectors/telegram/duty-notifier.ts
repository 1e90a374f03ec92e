import { Logger } from '@nestjs/common';
import { type Telegram } from 'telegraf';
import { type Clock } from '../../core/clock/clock';
import { openingMessageIds } from '../../core/inquiries/inquiry-queries';
import { type Database } from '../../core/persistence/database';
import { ConnectorError } from '../../plugins/contract/connector-error';
import { type Delivery, type DeliveryResult } from '../../plugins/contract/delivery';
import { type ChatAliases } from './chat-aliases';
import { addressOf, type DutyChats } from './duty-chats';
import { formatNotification, type ConversationLink } from './notification-format';
import { type Pacer, splitText } from './pacer';
import { compressionNote, prepareCsvUpload } from './export-upload';
import { inquiryLink } from './telegram.ids';
import { botApiFailure, toConnectorError } from './telegram-error.mapper';

/**
 * Delivers marks, escalations, digests and confirmations to a duty chat (or a topic of a duty
 * forum). One attempt per call, as the contract asks: pacing and flood control come back as
 * RATE_LIMITED for the outbox to wait out. A long text goes in parts, and parts already sent
 * are remembered so a retry continues where the failure was.
 */
export class DutyNotifier {
  private readonly logger = new Logger('telegram:duty');

  constructor(
    private readonly telegram: () => Telegram,
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly dutyChats: DutyChats,
    private readonly aliases: ChatAliases,
    private readonly pacer: Pacer,
    private readonly maxUploadBytes: number,
  ) {}

  async deliver(delivery: Delivery): Promise<DeliveryResult> {
    const address = addressOf(delivery.target);
    if (!address) throw new ConnectorError('INVALID_PAYLOAD', `duty target "${String(delivery.target.name)}": expected to: { chatId: <number>, topicId?: <number> } in rules.yaml`);
    const chatId = this.dutyChats.current(address.chatId);
    if (!this.dutyChats.has(chatId)) {
      throw new ConnectorError('INVALID_PAYLOAD', `chat ${chatId} is not a duty chat of this bot; refusing to write there`);
    }
    if (delivery.kind === 'report-export') return this.sendExport(delivery, chatId, address.topicId);
    const text = formatNotification(delivery.kind, delivery.payload, await this.linkFor(delivery.payload));
    const parts = splitText(text);
    const sent = await this.sentParts(delivery.idempotencyKey);
    let lastMessageId: number | undefined;
    for (const [index, part] of parts.entries()) {
      const already = sent.get(index);
      if (already !== undefined) {
        lastMessageId = already;
        continue;
      }
      lastMessageId = await this.sendPart(delivery, chatId, address.topicId, part, index);
    }
    return lastMessageId === undefined ? {} : { externalId: `${chatId}:${lastMessageId}` };
  }

  /** A scheduled CSV export as a document: spooled to disk to learn its size, gzipped if it must be. */
  private async sendExport(delivery: Delivery, chatId: number, topicId: number | undefined): Promise<DeliveryResult> {
    const export_ = readExport(delivery.payload);
    if (!export_) throw new ConnectorError('INVALID_PAYLOAD', 'report-export delivery without from, to, label and timezone');
    const wait = this.pacer.reserve(chatId, this.clock.now());
    if (wait > 0) throw new ConnectorError('RATE_LIMITED', `pacing sends to chat ${chatId}`, { retryAfterMs: wait });
    const range = { from: new Date(export_.from), to: new Date(export_.to) };
    const upload = await prepareCsvUpload(this.db, { range, label: export_.label, zone: export_.timezone, bom: export_.bom, limitBytes: this.maxUploadBytes });
    // Retrying cannot make the file smaller: dead-letter with the reason and the ways out.
    if (!upload.ok) throw new ConnectorError('INVALID_PAYLOAD', `${export_.label} export to duty chat ${chatId}: ${upload.reason}`);
    try {
      const message = await this.telegram().sendDocument(chatId, upload.file, {
        caption: `${export_.text} — ${upload.rows} inquiries${compressionNote(upload)}`,
        ...(topicId === undefined ? {} : { message_thread_id: topicId }),
      });
      return { externalId: `${chatId}:${message.message_id}` };
    } catch (error) {
      throw await this.explain(error, chatId);
    } finally {
      await upload.dispose();
    }
  }

  private async sendPart(delivery: Delivery, chatId: number, topicId: number | undefined, text: string, index: number): Promise<number> {
    const wait = this.pacer.reserve(chatId, this.clock.now());
    if (wait > 0) throw new ConnectorError('RATE_LIMITED', `pacing sends to chat ${chatId}`, { retryAfterMs: wait });
    try {
      const message = await this.telegram().sendMessage(chatId, text, {
        ...(topicId === undefined ? {} : { message_thread_id: topicId }),
        link_preview_options: { is_disabled: true },
      });
      await this.db.query(
        `INSERT INTO telegram_sent_parts (idempotency_key, part, chat_id, message_id, sent_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [delivery.idempotencyKey, index, chatId, message.message_id, new Date(this.clock.now())],
      );
      return message.message_id;
    } catch (error) {
      throw await this.explain(error, chatId);
    }
  }

  private async explain(error: unknown, chatId: number): Promise<ConnectorError> {
    const failure = botApiFailure(error);
    if (failure?.migrateToChatId !== undefined) {
      // The duty group became a supergroup: remember the new id and go again at once.
      await this.aliases.record(chatId, failure.migrateToChatId);
      this.logger.warn(`duty chat ${chatId} was upgraded to ${failure.migrateToChatId}; sending there (update rules.yaml when convenient)`);
      return new ConnectorError('TEMPORARY', `chat ${chatId} moved to ${failure.migrateToChatId}; retrying there`, { retryAfterMs: 0 });
    }
    if (failure?.code === 429 && failure.retryAfterMs !== undefined) this.pacer.block(chatId, this.clock.now() + failure.retryAfterMs);
    return toConnectorError(error, `sendMessage to duty chat ${chatId}`);
  }

  private async sentParts(key: string): Promise<Map<number, number>> {
    const rows = await this.db.query<{ part: number; message_id: number }>(`SELECT part, message_id FROM telegram_sent_parts WHERE idempotency_key = $1`, [key]);
    return new Map(rows.map((r) => [r.part, Number(r.message_id)]));
  }

  /** Where the duty engineer jumps: the first customer message of the inquiry, in its topic. */
  private async linkFor(payload: Record<string, unknown>): Promise<ConversationLink | undefined> {
    const conversation = payload.conversation as { channel?: unknown; id?: unknown; title?: unknown } | undefined;
    if (!conversation || typeof conversation.id !== 'string') return undefined;
    const title = typeof conversation.title === 'string' && conversation.title.length > 0 ? conversation.title : `${String(conversation.channel)} ${conversation.id}`;
    if (conversation.channel !== 'telegram' || typeof payload.inquiryId !== 'string') return { title };
    const opening = await openingMessageIds(this.db, [payload.inquiryId]);
    const url = inquiryLink(conversation.id, opening.get(payload.inquiryId));
    return url ? { title, url } : { title };
  }
}

function readExport(payload: Record<string, unknown>): { from: string; to: string; label: string; timezone: string; bom: boolean; text: string } | undefined {
  const { from, to, label, timezone, bom, text } = payload;
  if (typeof from !== 'string' || typeof to !== 'string' || typeof label !== 'string' || typeof timezone !== 'string') return undefined;
  return { from, to, label, timezone, bom: bom !== false, text: typeof text === 'string' ? text : 'SLA export' };
}
