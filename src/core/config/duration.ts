/** Durations are part of the connector SDK (connectors read them from their settings too). */
export { durationAtLeast, durationSchema, parseDuration } from '../../plugins/sdk/config';
