import { CronTime } from 'cron';
import { z } from 'zod';
import { timezoneSchema } from '../sla/calendar.schema';

const name = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'expected a name of letters, digits, - and _');

/** Five-field cron (minute hour day month weekday), read by the engine @nestjs/schedule uses. */
const cron = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .superRefine((expression, ctx) => {
      try {
        new CronTime(expression, 'UTC');
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `not a cron expression (minute hour day month weekday): ${error instanceof Error ? error.message : String(error)}` });
      }
    });

const periods = ['yesterday', 'last-week', 'last-7-days', 'this-month', 'last-month', 'last-quarter'] as const;

export const reportsSchema = z
  .object({
    /** Where "last month" starts and timestamps in exports are written. */
    timezone: timezoneSchema.default('UTC'),
    /** CSV files of every inquiry of a period, sent as a document and/or written to a directory. */
    exports: z
      .array(
        z
          .object({
            name,
            /** Default: quarterly, 06:00 on the first day of January, April, July and October. */
            schedule: cron('0 6 1 1,4,7,10 *'),
            period: z.enum(periods).default('last-quarter'),
            /** Duty targets that get the file (Telegram sends it as a document). */
            sendTo: z.array(name).default([]),
            /** Also written here as <name>-<period>.csv. */
            directory: z.string().min(1).optional(),
            /** Byte order mark, so spreadsheet programs read UTF-8. */
            bom: z.boolean().default(true),
          })
          .strict()
          .refine((e) => e.sendTo.length > 0 || e.directory !== undefined, 'an export needs sendTo targets, a directory, or both'),
      )
      .default([]),
    /** The SLA figures of a period as a message, e.g. every weekday morning. */
    digests: z
      .array(
        z
          .object({
            name,
            schedule: cron('0 9 * * 1-5'),
            period: z.enum(periods).default('yesterday'),
            sendTo: z.array(name).min(1, 'expected at least one duty target'),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()
  .prefault({});

export type ReportsSettings = z.output<typeof reportsSchema>;
