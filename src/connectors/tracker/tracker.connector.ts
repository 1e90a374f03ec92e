import { defineConnector } from 'replywatch/sdk';
import { trackerConfigSchema, trackerTargetSchema, type TrackerConfig } from './tracker.config';
import { TrackerRuntime } from './tracker-runtime';

/** Tickets in Yandex Tracker, and answers and resolutions synced back. See docs/TRACKER.md. */
export const trackerConnector = defineConnector<TrackerConfig>({
  manifest: {
    id: 'tracker',
    direction: 'outbound',
    displayName: 'Yandex Tracker (tickets)',
    configSchema: trackerConfigSchema,
    targetSchema: trackerTargetSchema,
    environment: {
      TRACKER_TOKEN: { key: 'token', enables: true },
      TRACKER_TOKEN_TYPE: { key: 'tokenType' },
      TRACKER_ORG_ID: { key: 'orgId' },
      TRACKER_CLOUD_ORG_ID: { key: 'cloudOrgId' },
    },
    services: ['state', 'scheduler', 'tickets'],
  },
  create: (context) => new TrackerRuntime(context),
});
