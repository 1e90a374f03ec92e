import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from './transformers';

/** Append-only: a database trigger rejects UPDATE and DELETE on this table. */
@Entity('inquiry_events')
export class InquiryEventEntity {
  @PrimaryColumn({ type: 'bigint', transformer: bigintToNumber })
  id!: number;

  @Column({ name: 'inquiry_id', type: 'uuid' })
  inquiryId!: string;

  @Column({ type: 'text' })
  type!: string;

  /** Who caused it: `customer:<id>`, `staff:<id>`, `system`, `admin`. */
  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** When it happened in the domain (the message's own time). */
  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  /** When the hub wrote it down. */
  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;
}
