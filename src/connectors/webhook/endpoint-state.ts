import { createHash } from 'node:crypto';
import { type StateStore } from 'replywatch/sdk';
import { type WebhookEndpoint } from './webhook.config';

interface GoneRecord {
  /** A hash of the URL that answered 410: a new URL in the settings enables the endpoint again. */
  urlHash: string;
  at: string;
}

/**
 * Endpoints whose receiver answered 410 Gone: nothing more is posted to them (Standard
 * Webhooks), on any replica, until the endpoint's URL is changed in the settings.
 */
export class GoneEndpoints {
  constructor(private readonly state: StateStore) {}

  async goneSince(endpoint: WebhookEndpoint): Promise<string | undefined> {
    const stored = await this.state.get<GoneRecord>(`gone:${endpoint.name}`);
    return stored && stored.value.urlHash === GoneEndpoints.urlHash(endpoint.url) ? stored.value.at : undefined;
  }

  async markGone(endpoint: WebhookEndpoint, at: Date): Promise<void> {
    await this.state.set<GoneRecord>(`gone:${endpoint.name}`, { urlHash: GoneEndpoints.urlHash(endpoint.url), at: at.toISOString() });
  }

  /** URLs may carry tokens: only their hash is stored or used in keys. */
  static urlHash(url: string): string {
    return createHash('sha256').update(url).digest('base64url').slice(0, 22);
  }
}
