import { SECRET_SCHEMAS } from './brand';

/**
 * The schemas marked with secret(), shared by every copy of the SDK in the process: the set
 * lives on globalThis under a `Symbol.for` key, so a plugin that resolved its own copy of
 * this package (and its own zod) still has its secrets redacted by the hub.
 */
function registry(): WeakSet<object> {
  const holder = globalThis as unknown as Record<symbol, WeakSet<object> | undefined>;
  holder[SECRET_SCHEMAS] ??= new WeakSet<object>();
  return holder[SECRET_SCHEMAS];
}

/** Marks a config field as a secret: redacted in logs and scrubbed from errors, never echoed. */
export function secret<T extends object>(schema: T): T {
  registry().add(schema);
  return schema;
}

export function isSecretSchema(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && registry().has(schema);
}

const REDACTED = '[redacted]';

/** zod 4's definition of a schema, read by shape so that any copy of zod 4 works. */
interface SchemaDef {
  type?: string;
  innerType?: unknown;
  in?: unknown;
  out?: unknown;
  shape?: Record<string, unknown>;
  element?: unknown;
  options?: unknown[];
  valueType?: unknown;
}

function defOf(schema: unknown): SchemaDef | undefined {
  const zod = (schema as { _zod?: { def?: SchemaDef } } | null)?._zod;
  return zod?.def;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional', 'success']);

/** Copies `value`, replacing every field its schema marks as secret with "[redacted]". */
export function redactSecrets(schema: unknown, value: unknown): unknown {
  if (isSecretSchema(schema)) return value === undefined ? undefined : REDACTED;
  const def = defOf(schema);
  if (!def) return value;
  if (def.type !== undefined && WRAPPERS.has(def.type)) return redactSecrets(def.innerType, value);
  switch (def.type) {
    case 'pipe':
      // A transform's input side carries the marks (`secret(z.string()).transform(…)`).
      return isSecretSchema(def.out) ? (value === undefined ? undefined : REDACTED) : redactSecrets(def.in, value);
    case 'object':
      return isRecord(value) ? redactObject(def.shape ?? {}, value) : value;
    case 'array':
      return Array.isArray(value) ? value.map((item) => redactSecrets(def.element, item)) : value;
    case 'record':
      return isRecord(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(def.valueType, v)])) : value;
    case 'union':
      return redactUnion(def.options ?? [], value);
    default:
      return value;
  }
}

function redactObject(shape: Record<string, unknown>, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) out[key] = key in shape ? redactSecrets(shape[key], field) : field;
  return out;
}

/** A union is redacted as far as any of its members would redact it. */
function redactUnion(options: readonly unknown[], value: unknown): unknown {
  if (options.some(isSecretSchema)) return value === undefined ? undefined : REDACTED;
  let out = value;
  for (const option of options) out = mergeRedaction(out, redactSecrets(option, value));
  return out;
}

function mergeRedaction(a: unknown, b: unknown): unknown {
  if (b === REDACTED) return REDACTED;
  if (isRecord(a) && isRecord(b)) return Object.fromEntries(Object.keys(a).map((k) => [k, mergeRedaction(a[k], b[k])]));
  if (Array.isArray(a) && Array.isArray(b)) return a.map((item, i) => mergeRedaction(item, b[i]));
  return a;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every secret string in `value`, found through the schema's secret marks. */
export function collectSecrets(schema: unknown, value: unknown): string[] {
  const out: string[] = [];
  const walk = (redacted: unknown, original: unknown): void => {
    if (redacted === REDACTED && typeof original === 'string' && original !== REDACTED) out.push(original);
    else if (Array.isArray(redacted) && Array.isArray(original)) redacted.forEach((item, i) => walk(item, original[i]));
    else if (isRecord(redacted) && isRecord(original)) for (const key of Object.keys(redacted)) walk(redacted[key], original[key]);
  };
  walk(redactSecrets(schema, value), value);
  return out;
}

/** `text` with each secret (of 4 characters or more) replaced; URL-encoded forms too. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const value of secrets) {
    if (value.length < 4) continue;
    for (const form of new Set([value, encodeURIComponent(value)])) out = out.split(form).join(REDACTED);
  }
  return out;
}
