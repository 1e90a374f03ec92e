import { z } from 'zod';

export const logConfigSchema = z
  .object({
    /** Log level of delivery lines. */
    level: z.enum(['info', 'warn']).default('info'),
  })
  .strict();

export type LogConfig = z.output<typeof logConfigSchema>;
