/** `${NAME}` or `${NAME:-default}`; a default cannot contain `}`. */
export const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

// Private-use characters: printable to YAML, so a token is a plain scalar anywhere (flow
// mappings included), and one UTF-16 unit each, so a token is exactly as long as its
// placeholder and every line/column the parser reports stays true for the original text.
const START = '\uE000';
const PAD = '\uE001';
const DIGIT_BASE = 0xe100;
const DIGITS = 0x1000;
const TOKEN = /\uE000([\uE100-\uF0FF])([\uE100-\uF0FF])\uE001*/g;

export interface ProtectedText {
  /** The text with each placeholder replaced by a token of the same length. */
  text: string;
  /** Puts the original placeholders back into a string taken from the parsed document. */
  restore: (value: string) => string;
}

/**
 * Hides `${…}` from the YAML parser. Without this, `{ chatId: ${DUTY_CHAT_ID} }` is a nested
 * flow mapping to YAML, and a default such as `${LIST:-a, b}` is cut at the comma; with it, a
 * placeholder may stand unquoted wherever a plain value may, and the variable's value is put in
 * after parsing, so no value can change the document's structure (see interpolate.ts).
 */
export function protectPlaceholders(text: string): ProtectedText {
  // A file that already holds our characters is parsed as written (placeholders then work
  // where YAML allows them unquoted, as before); tokens must never be ambiguous.
  if (text.includes(START)) return { text, restore: (value) => value };
  const originals: string[] = [];
  const hidden = text.replace(PLACEHOLDER, (match) => {
    const index = originals.push(match) - 1;
    if (index >= DIGITS * DIGITS) return match;
    return START + digit(Math.floor(index / DIGITS)) + digit(index % DIGITS) + PAD.repeat(match.length - 3);
  });
  if (originals.length === 0) return { text, restore: (value) => value };
  return {
    text: hidden,
    restore: (value) => (value.includes(START) ? value.replace(TOKEN, (_token, hi: string, lo: string) => originals[undigit(hi) * DIGITS + undigit(lo)] ?? '') : value),
  };
}

/** Applies `restore` to every key and string of a parsed value. */
export function restoreDeep(value: unknown, restore: (text: string) => string): unknown {
  if (typeof value === 'string') return restore(value);
  if (Array.isArray(value)) return value.map((item) => restoreDeep(item, restore));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [restore(key), restoreDeep(item, restore)]));
  }
  return value;
}

function digit(n: number): string {
  return String.fromCharCode(DIGIT_BASE + n);
}

function undigit(c: string): number {
  return c.charCodeAt(0) - DIGIT_BASE;
}
