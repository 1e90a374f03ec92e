import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from './transformers';
import { type InquiryStatus } from '../statuses';

@Entity('inquiries')
export class InquiryEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'conversation_id', type: 'bigint', transformer: bigintToNumber })
  conversationId!: number;

  @Column({ type: 'text' })
  status!: InquiryStatus;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt!: Date;

  @Column({ name: 'first_message_id', type: 'bigint', transformer: bigintToNumber })
  firstMessageId!: number;

  @Column({ name: 'last_customer_message_at', type: 'timestamptz' })
  lastCustomerMessageAt!: Date;

  @Column({ name: 'customer_message_count', type: 'integer' })
  customerMessageCount!: number;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt!: Date | null;

  @Column({ name: 'answer_message_id', type: 'bigint', nullable: true, transformer: bigintToNumber })
  answerMessageId!: number | null;

  @Column({ name: 'responder_id', type: 'text', nullable: true })
  responderId!: string | null;

  @Column({ name: 'responder_name', type: 'text', nullable: true })
  responderName!: string | null;

  /** First response time in calendar milliseconds (business time comes with SLA policies). */
  @Column({ name: 'first_response_ms', type: 'bigint', nullable: true, transformer: bigintToNumber })
  firstResponseMs!: number | null;

  @Column({ type: 'text', nullable: true })
  policy!: string | null;

  @Column({ type: 'text', nullable: true })
  calendar!: string | null;

  /** First-response deadline in business time under the policy. */
  @Column({ name: 'due_at', type: 'timestamptz', nullable: true })
  dueAt!: Date | null;

  /** When the scheduler must look at this inquiry next (its next mark); null when done. */
  @Column({ name: 'next_attention_at', type: 'timestamptz', nullable: true })
  nextAttentionAt!: Date | null;

  /** Index of the next mark of the policy to fire. */
  @Column({ name: 'next_mark', type: 'integer' })
  nextMark!: number;

  @Column({ name: 'frt_business_ms', type: 'bigint', nullable: true, transformer: bigintToNumber })
  frtBusinessMs!: number | null;

  /** Answered after the deadline (null while open). */
  @Column({ type: 'boolean', nullable: true })
  breached!: boolean | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
