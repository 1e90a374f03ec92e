import { InitialSchema1763700000000 } from './1763700000000-initial-schema';
import { InquirySla1763800000000 } from './1763800000000-inquiry-sla';
import { InquiryHold1763900000000 } from './1763900000000-inquiry-hold';
import { HolidayFeeds1764000000000 } from './1764000000000-holiday-feeds';
import { StormGuardIndex1764100000000 } from './1764100000000-storm-guard-index';
import { DeliveryOrdering1764200000000 } from './1764200000000-delivery-ordering';
import { Telegram1764300000000 } from './1764300000000-telegram';
import { ReportRuns1764400000000 } from './1764400000000-report-runs';
import { ReportIndexes1764500000000 } from './1764500000000-report-indexes';
import { ConnectorServices1764600000000 } from './1764600000000-connector-services';
import { ReceiptFingerprints1764700000000 } from './1764700000000-receipt-fingerprints';
import { DeliveryPolicy1764800000000 } from './1764800000000-delivery-policy';
import { ConversationLink1764900000000 } from './1764900000000-conversation-link';
import { UnorderedDue1765000000000 } from './1765000000000-unordered-due';
import { TicketLinks1765100000000 } from './1765100000000-ticket-links';

/** Every migration, oldest first. Add new ones at the end; never edit one that has shipped. */
export const MIGRATIONS = [
  InitialSchema1763700000000,
  InquirySla1763800000000,
  InquiryHold1763900000000,
  HolidayFeeds1764000000000,
  StormGuardIndex1764100000000,
  DeliveryOrdering1764200000000,
  Telegram1764300000000,
  ReportRuns1764400000000,
  ReportIndexes1764500000000,
  ConnectorServices1764600000000,
  ReceiptFingerprints1764700000000,
  DeliveryPolicy1764800000000,
  ConversationLink1764900000000,
  UnorderedDue1765000000000,
  TicketLinks1765100000000,
];
