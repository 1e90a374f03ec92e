import { type Health, type HealthPart, type HealthStatus } from '../../sdk/services';

const STATUSES: readonly HealthStatus[] = ['up', 'degraded', 'down'];
const MAX_PARTS = 200;

/**
 * What a connector reported, as the hub keeps it: secrets scrubbed from every text, and parts
 * taken field by field, so a plugin's odd values (a status it made up, a NaN backlog, a
 * thousand parts) cannot break /health/ready or the metrics.
 */
export function keptHealth(health: Health, scrub: (text: string) => string): Health {
  const kept: Health = { status: health.status };
  if (typeof health.detail === 'string') kept.detail = scrub(health.detail);
  if (Array.isArray(health.parts)) kept.parts = health.parts.slice(0, MAX_PARTS).flatMap((part) => keptPart(part, scrub));
  return kept;
}

function keptPart(part: HealthPart, scrub: (text: string) => string): HealthPart[] {
  if (typeof part?.name !== 'string' || !STATUSES.includes(part.status)) return [];
  const kept: HealthPart = { name: scrub(part.name).slice(0, 200), status: part.status };
  if (typeof part.detail === 'string') kept.detail = scrub(part.detail);
  if (typeof part.backlog === 'number' && Number.isFinite(part.backlog) && part.backlog >= 0) kept.backlog = part.backlog;
  if (typeof part.lastSyncAt === 'string' && !Number.isNaN(Date.parse(part.lastSyncAt))) kept.lastSyncAt = part.lastSyncAt;
  return [kept];
}
