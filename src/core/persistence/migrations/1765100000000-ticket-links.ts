import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Helpdesk tickets linked to conversations. One open link per conversation and ticket target:
 * the partial unique index is what keeps a second inquiry (or a second replica) from creating
 * a second ticket. `ticket_id` is empty until the create is delivered. The inquiries a ticket
 * carries are listed beside it, so a solve in the helpdesk resolves exactly those.
 * `last_message_id` is how far the customer's messages have been copied to the ticket.
 */
export class TicketLinks1765100000000 implements MigrationInterface {
  name = 'TicketLinks1765100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE ticket_links (
        id uuid PRIMARY KEY,
        conversation_id bigint NOT NULL REFERENCES conversations (id),
        target text NOT NULL,
        connector text NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'open', 'closed')),
        ticket_id text,
        ticket_key text,
        url text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        checked_at timestamptz,
        closed_at timestamptz,
        -- The last customer message the ticket has (in its description or a comment).
        last_message_id bigint NOT NULL DEFAULT 0
      )`);
    await db.query(`CREATE UNIQUE INDEX ticket_links_one_open ON ticket_links (conversation_id, target) WHERE state <> 'closed'`);
    await db.query(`CREATE INDEX ticket_links_by_ticket ON ticket_links (connector, ticket_id) WHERE state = 'open'`);
    await db.query(`CREATE INDEX ticket_links_open ON ticket_links (conversation_id) WHERE state = 'open'`);
    await db.query(`
      CREATE TABLE ticket_link_inquiries (
        link_id uuid NOT NULL REFERENCES ticket_links (id),
        inquiry_id uuid NOT NULL REFERENCES inquiries (id),
        PRIMARY KEY (link_id, inquiry_id)
      )`);
    await db.query(`CREATE INDEX ticket_link_inquiries_by_inquiry ON ticket_link_inquiries (inquiry_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS ticket_link_inquiries`);
    await db.query(`DROP TABLE IF EXISTS ticket_links`);
  }
}
