import { type HubConfig, type OutboxSettings } from './hub-config.schema';

/** Injection tokens for the validated slices of hub.yaml each service needs. */
export const HUB_CONFIG = Symbol('HubConfig');
export const INTAKE_SETTINGS = Symbol('IntakeSettings');
export const OUTBOX_SETTINGS = Symbol('OutboxSettings');

export type IntakeSettings = HubConfig['intake'];
export type { OutboxSettings };
