import { Column, Entity, PrimaryColumn } from 'typeorm';
import { type AuthorRole } from '../../../plugins/sdk/message';
import { bigintToNumber } from './transformers';

@Entity('messages')
export class MessageEntity {
  @PrimaryColumn({ type: 'bigint', transformer: bigintToNumber })
  id!: number;

  @Column({ name: 'conversation_id', type: 'bigint', transformer: bigintToNumber })
  conversationId!: number;

  @Column({ name: 'external_id', type: 'text' })
  externalId!: string;

  @Column({ name: 'author_id', type: 'text' })
  authorId!: string;

  @Column({ name: 'author_name', type: 'text', nullable: true })
  authorName!: string | null;

  @Column({ name: 'author_role', type: 'text' })
  authorRole!: AuthorRole;

  /** Why the role was chosen: sender, registry, hint or default. */
  @Column({ name: 'role_source', type: 'text' })
  roleSource!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ name: 'sent_at', type: 'timestamptz' })
  sentAt!: Date;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  /** Where a person opens the message in its channel (an http(s) URL); null where there is none. */
  @Column({ type: 'text', nullable: true })
  link!: string | null;
}
