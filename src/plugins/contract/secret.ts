import { z } from 'zod';

/** Marks a config field as a secret: redacted in logs, never echoed in errors. */
export const secretRegistry = z.registry<{ secret: true }>();

export function secret<T extends z.ZodType>(schema: T): T {
  secretRegistry.add(schema, { secret: true });
  return schema;
}

/** Copies `value`, replacing every field its schema marks as secret with "[redacted]". */
export function redactSecrets(schema: z.ZodType, value: unknown): unknown {
  if (secretRegistry.has(schema)) return value === undefined ? undefined : '[redacted]';
  const inner = unwrap(schema);
  if (inner !== schema) return redactSecrets(inner, value);
  if (schema instanceof z.ZodObject && isRecord(value)) {
    const shape = schema.shape as Record<string, z.ZodType>;
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      out[key] = shape[key] ? redactSecrets(shape[key], field) : field;
    }
    return out;
  }
  if (schema instanceof z.ZodArray && Array.isArray(value)) {
    return value.map((item) => redactSecrets(schema.element as z.ZodType, item));
  }
  return value;
}

function unwrap(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) {
    return schema.unwrap() as z.ZodType;
  }
  return schema;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every secret string value in `value`, found through the schema's secret marks. */
export function collectSecrets(schema: z.ZodType, value: unknown): string[] {
  const out: string[] = [];
  const walk = (redacted: unknown, original: unknown): void => {
    if (redacted === '[redacted]' && typeof original === 'string' && original !== '[redacted]') out.push(original);
    else if (Array.isArray(redacted) && Array.isArray(original)) redacted.forEach((item, i) => walk(item, original[i]));
    else if (isRecord(redacted) && isRecord(original)) for (const key of Object.keys(redacted)) walk(redacted[key], original[key]);
  };
  walk(redactSecrets(schema, value), value);
  return out;
}
