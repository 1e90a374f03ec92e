import { z } from 'zod';
import { secret } from 'replywatch/sdk';

const whsec = z
  .string()
  .refine((value) => value === '' || isWhsec(value), 'expected a Standard Webhooks secret: "whsec_" followed by base64 of 24-64 bytes');

export const httpConfigSchema = z
  .object({
    /** Shared secret for Standard Webhooks signatures (HTTP_INGEST_SECRET by default). */
    secret: secret(whsec).optional(),
    /** Where the secret is kept when none is configured; generated on first start (default: <dataDir>/http-ingest.secret). */
    secretFile: z.string().min(1).optional(),
    /** Most messages in one request. */
    maxBatch: z.number().int().min(1).max(1000).default(500),
    /** Longest message text accepted, in characters. */
    maxTextLength: z.number().int().min(1).max(65_536).default(32_768),
  })
  .strict();

export type HttpConfig = z.output<typeof httpConfigSchema>;

export function isWhsec(value: string): boolean {
  if (!value.startsWith('whsec_')) return false;
  const body = value.slice('whsec_'.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return false;
  const bytes = Buffer.from(body, 'base64').length;
  return bytes >= 24 && bytes <= 64;
}
