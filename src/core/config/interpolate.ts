import { PLACEHOLDER } from './placeholders';

export interface MissingVariable {
  path: PropertyKey[];
  variable: string;
}

/**
 * Replaces `${VAR}` and `${VAR:-default}` inside string values of the parsed document, so a
 * variable's value is taken verbatim (quotes, `#`, `: ` and commas included). An unset
 * variable without a default leaves the value undefined and is recorded, so that validation
 * can say which variable is missing (and only when the setting is actually needed).
 */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, missing: MissingVariable[], path: PropertyKey[] = []): unknown {
  if (typeof value === 'string') return interpolateString(value, env, missing, path);
  if (Array.isArray(value)) return value.map((item, i) => interpolateEnv(item, env, missing, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = interpolateEnv(item, env, missing, [...path, key]);
    return out;
  }
  return value;
}

function interpolateString(text: string, env: NodeJS.ProcessEnv, missing: MissingVariable[], path: PropertyKey[]): string | undefined {
  let unset: string | undefined;
  const replaced = text.replace(PLACEHOLDER, (_match, name: string, fallback: string | undefined) => {
    const fromEnv = env[name];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    if (fallback !== undefined) return fallback;
    unset ??= name;
    return '';
  });
  if (unset !== undefined) {
    missing.push({ path, variable: unset });
    return undefined;
  }
  // `${VAR:-}` alone means "optional": an empty result counts as not set at all.
  if (replaced === '' && text !== '') return undefined;
  return replaced;
}
