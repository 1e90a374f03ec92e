import { type Clock, ConnectorError, type ConnectorLogger, type Delivery, type DeliveryPayload, type DeliveryResult, httpLink, type ReportService, type StateStore } from 'replywatch/sdk';
import { type Telegram } from 'telegraf';
import { type ChatAliases } from './chat-aliases';
import { type DutyChats } from './duty-chats';
import { compressionNote, prepareCsvUpload } from './export-upload';
import { formatNotification, htmlCutGuard, type ConversationLink } from './notification-format';
import { type Pacer, splitText } from './pacer';
import { inquiryLink } from './telegram.ids';
import { botApiFailure, toConnectorError } from './telegram-error.mapper';
import { addressOf } from './telegram-target';

/** Parts already sent are remembered this long: far beyond any retry or replay of the delivery. */
const SENT_PART_TTL_MS = 30 * 24 * 3_600_000;

/**
 * Delivers marks, escalations, digests and notices to a duty chat (or a topic of a duty
 * forum). One attempt per call, as the contract asks: pacing and flood control come back as
 * RATE_LIMITED for the outbox to wait out. A long text goes in parts, and parts already sent
 * are remembered so a retry continues where the failure was.
 */
export class DutyNotifier {
  constructor(
    private readonly telegram: () => Telegram,
    private readonly state: StateStore,
    private readonly reports: ReportService,
    private readonly clock: Clock,
    private readonly dutyChats: DutyChats,
    private readonly aliases: ChatAliases,
    private readonly pacer: Pacer,
    private readonly maxUploadBytes: number,
    private readonly logger: ConnectorLogger,
  ) {}

  async deliver(delivery: Delivery, signal: AbortSignal): Promise<DeliveryResult> {
    const address = addressOf(delivery.target);
    if (!address) throw new ConnectorError('INVALID_PAYLOAD', `duty target "${String(delivery.target.name)}": expected to: { chatId: <number>, topicId?: <number> } in rules.yaml`);
    const chatId = this.dutyChats.current(address.chatId);
    if (!this.dutyChats.has(chatId)) {
      throw new ConnectorError('INVALID_PAYLOAD', `chat ${chatId} is not a duty chat of this bot; refusing to write there`);
    }
    if (delivery.payload.event === 'report.export') return this.sendExport(delivery.payload, chatId, address.topicId, signal);
    const text = formatNotification(delivery.payload, linkFor(delivery.payload));
    const parts = splitText(text, 4096, htmlCutGuard);
    const sent = await this.sentParts(delivery.idempotencyKey);
    let lastMessageId: number | undefined;
    for (const [index, part] of parts.entries()) {
      const already = sent.get(index);
      if (already !== undefined) {
        lastMessageId = already;
        continue;
      }
      lastMessageId = await this.sendPart(delivery, chatId, address.topicId, part, index, signal);
    }
    return lastMessageId === undefined ? {} : { externalId: `${chatId}:${lastMessageId}` };
  }

  /** A scheduled CSV export as a document: spooled to disk to learn its size, gzipped if it must be. */
  private async sendExport(payload: Extract<DeliveryPayload, { event: 'report.export' }>, chatId: number, topicId: number | undefined, signal: AbortSignal): Promise<DeliveryResult> {
    if (typeof payload.from !== 'string' || typeof payload.to !== 'string' || typeof payload.label !== 'string') {
      throw new ConnectorError('INVALID_PAYLOAD', 'report-export delivery without from, to, label and timezone');
    }
    this.pace(chatId);
    const range = { from: new Date(payload.from), to: new Date(payload.to), label: payload.label };
    const upload = await prepareCsvUpload(this.reports, { range, zone: payload.timezone, bom: payload.bom !== false, limitBytes: this.maxUploadBytes });
    // Retrying cannot make the file smaller: dead-letter with the reason and the ways out.
    if (!upload.ok) throw new ConnectorError('INVALID_PAYLOAD', `${payload.label} export to duty chat ${chatId}: ${upload.reason}`);
    try {
      const message = await this.telegram().callApi(
        'sendDocument',
        { chat_id: chatId, document: upload.file, caption: `${payload.text || 'SLA export'} — ${upload.rows} inquiries${compressionNote(upload)}`, ...(topicId === undefined ? {} : { message_thread_id: topicId }) },
        { signal: signal as never },
      );
      return { externalId: `${chatId}:${message.message_id}` };
    } catch (error) {
      throw await this.explain(error, chatId);
    } finally {
      await upload.dispose();
    }
  }

  private async sendPart(delivery: Delivery, chatId: number, topicId: number | undefined, text: string, index: number, signal: AbortSignal): Promise<number> {
    this.pace(chatId);
    try {
      const message = await this.telegram().callApi(
        'sendMessage',
        { chat_id: chatId, text, parse_mode: 'HTML', ...(topicId === undefined ? {} : { message_thread_id: topicId }), link_preview_options: { is_disabled: true } },
        { signal: signal as never },
      );
      await this.state.set(`sent-part:${delivery.idempotencyKey}:${index}`, { chatId, messageId: message.message_id }, { ttlMs: SENT_PART_TTL_MS });
      return message.message_id;
    } catch (error) {
      throw await this.explain(error, chatId);
    }
  }

  private pace(chatId: number): void {
    const wait = this.pacer.reserve(chatId, this.clock.now());
    if (wait > 0) throw new ConnectorError('RATE_LIMITED', `pacing sends to chat ${chatId}`, { retryAfterMs: wait });
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
    const prefix = `sent-part:${key}:`;
    const rows = await this.state.list<{ messageId: number }>(prefix);
    // Another key may extend this one (`…:1` and `…:1:x`); only `<prefix><part>` is ours.
    const own = rows.filter((r) => /^\d+$/.test(r.key.slice(prefix.length)));
    return new Map(own.map((r) => [Number(r.key.slice(prefix.length)), Number(r.value.messageId)]));
  }
}

/**
 * Where the duty engineer jumps: the conversation's link (the first customer message of the
 * inquiry, in its topic; or the link an HTTP sender gave). A Telegram delivery written before
 * payloads carried links gets one from its ids; a channel without links a reference instead.
 */
function linkFor(payload: DeliveryPayload): ConversationLink | undefined {
  const conversation = 'conversation' in payload ? payload.conversation : undefined;
  if (!conversation || typeof conversation.id !== 'string') return undefined;
  const title = typeof conversation.title === 'string' && conversation.title.length > 0 ? conversation.title : `${String(conversation.channel)} ${conversation.id}`;
  const url = httpLink(conversation.link) ?? (conversation.channel === 'telegram' ? inquiryLink(conversation.id, conversation.openingMessageId ?? undefined) : undefined);
  if (url !== undefined) return { title, url };
  const opening = conversation.openingMessageId;
  if (conversation.channel === 'telegram' || typeof opening !== 'string' || opening.length === 0) return { title };
  // A mail is found by its Message-ID in any mail client's search.
  return { title, reference: conversation.channel === 'email' ? `Message-ID: <${opening}>` : `${String(conversation.channel)} message ${opening}` };
}
