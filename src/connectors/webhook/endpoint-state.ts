import { createHash } from 'node:crypto';
import { type StateStore } from 'replywatch/sdk';
import { type WebhookEndpoint } from './webhook.config';

interface GoneRecord {
  /** A hash of the URL that answered 410: a new URL in the settings enables the endpoint again. */
  urlHash: string;
  at: string;
}

/**
 * How long a read of the stored state stands in for the next ones. Asked before every post, it
 * was a database round trip per delivery; another replica's 410 is now seen within this long,
 * and posts meanwhile meet the same 410 and are dead-lettered the same way.
 */
const READ_TTL_MS = 5_000;

/**
 * Endpoints whose receiver answered 410 Gone: nothing more is posted to them (Standard
 * Webhooks), on any replica, until the endpoint's URL is changed in the settings.
 */
export class GoneEndpoints {
  private readonly recent = new Map<string, { record: GoneRecord | undefined; readAt: number }>();

  constructor(
    private readonly state: StateStore,
    private readonly clock: { now(): number },
  ) {}

  async goneSince(endpoint: WebhookEndpoint): Promise<string | undefined> {
    const record = await this.recordOf(endpoint.name);
    return record && record.urlHash === GoneEndpoints.urlHash(endpoint.url) ? record.at : undefined;
  }

  async markGone(endpoint: WebhookEndpoint, at: Date): Promise<void> {
    const record = { urlHash: GoneEndpoints.urlHash(endpoint.url), at: at.toISOString() };
    await this.state.set<GoneRecord>(`gone:${endpoint.name}`, record);
    this.recent.set(endpoint.name, { record, readAt: this.clock.now() });
  }

  private async recordOf(name: string): Promise<GoneRecord | undefined> {
    const now = this.clock.now();
    const cached = this.recent.get(name);
    if (cached && now - cached.readAt < READ_TTL_MS && now >= cached.readAt) return cached.record;
    const stored = await this.state.get<GoneRecord>(`gone:${name}`);
    this.recent.set(name, { record: stored?.value, readAt: now });
    return stored?.value;
  }

  /** URLs may carry tokens: only their hash is stored or used in keys. */
  static urlHash(url: string): string {
    return createHash('sha256').update(url).digest('base64url').slice(0, 22);
  }
}
