import { ConversationEntity } from './conversation.entity';
import { DeliveryEntity } from './delivery.entity';
import { InquiryEventEntity } from './inquiry-event.entity';
import { InquiryEntity } from './inquiry.entity';
import { MessageEntity } from './message.entity';

export const ENTITIES = [ConversationEntity, MessageEntity, InquiryEntity, InquiryEventEntity, DeliveryEntity];
export { ConversationEntity, DeliveryEntity, InquiryEntity, InquiryEventEntity, MessageEntity };
