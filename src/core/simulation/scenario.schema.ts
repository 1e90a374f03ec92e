import { z } from 'zod';
import { durationSchema } from '../config/duration';

const clockTime = z.string().regex(/^\d{2}:\d{2}$|^\d{4}-\d{2}-\d{2}T/, 'expected HH:MM (on the start day) or an ISO instant');
const base = { at: clockTime, conversation: z.string().min(1).default('customer-chat') };

const eventSchema = z.union([
  z.object({ ...base, customer: z.string() }).strict(),
  z.object({ ...base, staff: z.string() }).strict(),
  z.object({ ...base, hold: z.literal(true) }).strict(),
  z.object({ ...base, resume: z.literal(true) }).strict(),
  z.object({ ...base, resolve: z.literal(true) }).strict(),
  z.object({ at: clockTime, down: durationSchema }).strict(),
]);

export const scenarioSchema = z
  .object({
    /** The runbook, relative to the scenario file (or --rules). */
    rules: z.string().min(1).optional(),
    /** When the story begins, with offset: it also sets the day and offset of HH:MM times. */
    start: z.iso.datetime({ offset: true, message: 'expected an ISO instant with offset, e.g. 2026-11-02T12:00:00+03:00' }),
    events: z.array(eventSchema).min(1),
    until: clockTime.optional(),
  })
  .strict();

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioEvent = Scenario['events'][number];
