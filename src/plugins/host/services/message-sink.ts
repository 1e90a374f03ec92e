import { ConnectorError } from '../../sdk/connector-error';
import { type AcceptResult, type EnvelopeOutcome, type EnvelopeReceipt, type InboundMessage, type MessageSink, type RekeyOptions, type RekeyResult } from '../../sdk/message';
import { IntakeBusyError, IntakeClosedError, InvalidMessageError } from '../../../core/intake/intake-errors';
import { DatabaseUnavailableError } from '../../../core/persistence/database-errors';
import { type ConversationDirectory } from '../../../core/conversations/conversation-directory';
import { type InquiryCommands } from '../../../core/inquiries/inquiry-commands';
import { type IntakeService } from '../../../core/intake/intake.service';

/**
 * The sink an inbound connector writes to, bound to its channel: messages go through intake
 * (group commit, resolves after the commit), conversation facts through the directory.
 */
export class ChannelSink implements MessageSink {
  constructor(
    private readonly connector: string,
    private readonly channel: string,
    private readonly intake: IntakeService,
    private readonly directory: ConversationDirectory,
    private readonly commands: InquiryCommands,
  ) {}

  /**
   * Failures come back as ConnectorErrors a connector can act on: INVALID_PAYLOAD for a message
   * the hub will never take (acknowledge it, log it, move on), TEMPORARY when the hub cannot
   * store anything right now (do not acknowledge; it comes again).
   */
  async accept(message: InboundMessage): Promise<AcceptResult> {
    const [result] = await this.acceptAll([message]);
    return result as AcceptResult;
  }

  acceptAll(messages: readonly InboundMessage[]): Promise<AcceptResult[]> {
    return this.translated(() => this.intake.acceptAll(this.channel, messages));
  }

  acceptEnvelope(receipt: EnvelopeReceipt, messages: readonly InboundMessage[]): Promise<EnvelopeOutcome> {
    return this.translated(() => this.intake.acceptEnvelope(this.channel, receipt, messages));
  }

  private async translated<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof InvalidMessageError) throw new ConnectorError('INVALID_PAYLOAD', `the hub refused the message: ${error.message}`, { cause: error });
      if (error instanceof IntakeBusyError) throw new ConnectorError('TEMPORARY', `${error.message}; nothing was stored`, { cause: error, retryAfterMs: error.retryAfterMs });
      if (error instanceof IntakeClosedError || error instanceof DatabaseUnavailableError) {
        throw new ConnectorError('TEMPORARY', `${error.message}; nothing was stored`, { cause: error, retryAfterMs: 5000 });
      }
      throw error;
    }
  }

  hasReceipt(receiptId: string): Promise<boolean> {
    return this.intake.hasReceipt(this.channel, receiptId);
  }

  recordReceipt(receiptId: string): Promise<void> {
    return this.intake.recordReceipt(this.channel, receiptId);
  }

  conversationTitle(conversationId: string, title: string): Promise<void> {
    return this.directory.setTitle(this.channel, conversationId, title);
  }

  conversationRekeyed(fromId: string, toId: string, options: RekeyOptions = {}): Promise<RekeyResult> {
    return this.directory.rekey(this.channel, fromId, toId, options.childSeparator);
  }

  async conversationClosed(conversationId: string, reason: string): Promise<{ resolvedInquiryId: string | null }> {
    const open = await this.directory.openInquiry(this.channel, conversationId);
    if (!open) return { resolvedInquiryId: null };
    const outcome = await this.commands.run('resolve', open.inquiryId, { by: `${this.connector} (conversation closed)`, reason });
    return { resolvedInquiryId: outcome.ok ? open.inquiryId : null };
  }
}
