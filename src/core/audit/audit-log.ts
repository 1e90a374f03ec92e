import { type Sql } from '../persistence/database';

export interface AuditEntry {
  /** Who did it: `telegram:<user id>`, `admin`, `system`. */
  actor: string;
  /** What happened, dotted: `staff.added`, `staff.removed`. */
  action: string;
  /** What it happened to: a user id, an inquiry id. */
  subject?: string;
  data?: Record<string, unknown>;
}

/** Appends to the audit log inside the caller's transaction, so the change and its record go together. */
export async function appendAudit(sql: Sql, entry: AuditEntry, at: Date): Promise<void> {
  await sql.query(`INSERT INTO audit_log (at, actor, action, subject, data) VALUES ($1, $2, $3, $4, $5)`, [
    at,
    entry.actor,
    entry.action,
    entry.subject ?? null,
    JSON.stringify(entry.data ?? {}),
  ]);
}
