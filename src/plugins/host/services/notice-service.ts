import { EventEmitter2 } from '@nestjs/event-emitter';
import { type Notice, type NoticeService } from '../../sdk/services';
import { type Clock } from '../../../core/clock/clock';
import { OUTBOX_ENQUEUED } from '../../../core/events/domain-events';
import { operatorNotice, toDutyTargets } from '../../../core/outbox/payload-builder';
import { enqueueDeliveries } from '../../../core/outbox/outbox-writer';
import { type Database } from '../../../core/persistence/database';
import { type RulesStore } from '../../../core/rules/rules-store';

/** Operator notices from a connector, written to the outbox like every other duty message. */
export class ConnectorNotices implements NoticeService {
  constructor(
    private readonly connector: string,
    private readonly channel: string | undefined,
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly rules: RulesStore,
    private readonly events: EventEmitter2,
  ) {}

  async send(notice: Notice): Promise<boolean> {
    const { rules } = this.rules.current;
    const conversation =
      notice.conversation && this.channel !== undefined ? { channel: this.channel, id: notice.conversation.id, title: notice.conversation.title ?? null } : undefined;
    const payload = operatorNotice({
      topic: notice.topic,
      text: notice.text,
      ...(notice.inquiryId === undefined ? {} : { inquiryId: notice.inquiryId }),
      ...(conversation === undefined ? {} : { conversation }),
    });
    const deliveries = toDutyTargets(rules, [notice.target], { key: () => `notice:${this.connector}:${notice.key}`, payload, inquiryId: notice.inquiryId ?? null });
    if (deliveries.length === 0) return false;
    const written = await this.db.transaction((sql) => enqueueDeliveries(sql, deliveries, new Date(this.clock.now())));
    if (written > 0) this.events.emit(OUTBOX_ENQUEUED, written);
    return written > 0;
  }
}
