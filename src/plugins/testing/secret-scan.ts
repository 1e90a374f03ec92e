import { collectSecrets, type ConnectorDefinition } from '../sdk';

// scrubSecrets ignores values under 4 characters too: shorter ones match everywhere.
const MIN_SECRET_LENGTH = 4;

/** The secrets of a config, read through the schema's secret() marks, raw and parsed. */
export function secretsOf<C>(definition: ConnectorDefinition<C>, raw: unknown): string[] {
  const schema = definition.manifest.configSchema;
  const parsed = schema.safeParse(raw);
  const found = new Set([...collectSecrets(schema, raw), ...(parsed.success ? collectSecrets(schema, parsed.data) : [])]);
  return [...found].filter((value) => value.length >= MIN_SECRET_LENGTH);
}

/** Which form of a secret `text` contains, if any: as configured or URL-encoded. */
export function findSecret(text: string, secrets: readonly string[]): 'verbatim' | 'URL-encoded' | undefined {
  for (const value of secrets) {
    if (text.includes(value)) return 'verbatim';
    const encoded = encodeURIComponent(value);
    if (encoded !== value && text.includes(encoded)) return 'URL-encoded';
  }
  return undefined;
}

/** The texts of an error that end up in logs and delivery history: message and stack, down the cause chain. */
export function errorTexts(error: unknown): Array<{ where: string; text: string }> {
  const out: Array<{ where: string; text: string }> = [];
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current !== undefined && current !== null; depth++) {
    const prefix = depth === 0 ? 'error' : `cause #${depth}`;
    if (current instanceof Error) {
      out.push({ where: `${prefix} message`, text: current.message });
      if (current.stack) out.push({ where: `${prefix} stack`, text: current.stack });
      current = current.cause;
    } else {
      out.push({ where: prefix, text: typeof current === 'string' ? current : safeJson(current) });
      break;
    }
  }
  return out;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
