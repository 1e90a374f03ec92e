/**
 * Links to conversations (since contract 2.4): where a duty engineer opens the chat, the topic
 * or the ticket an inquiry lives in. The hub keeps and sends only what `httpLink()` accepts, and
 * connectors check again before they render one (a link is put into markup: an HTML `href`, a
 * Slack `<url|text>`).
 */

/** The longest link the hub keeps or sends, in characters. */
export const MAX_LINK_LENGTH = 2048;

/**
 * Whitespace and control characters (C0, space, DEL, C1): the URL parser silently drops tabs
 * and newlines, so "java\tscript:" would parse as something else than what was written.
 */
function hasUnsafeCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/**
 * `value` as an absolute http(s) URL a person can open, normalized (`new URL(value).href`:
 * the host lower-cased, spaces and `<`, `>`, `"` in the path percent-encoded), or undefined
 * for anything else: another scheme (`javascript:`, `data:`, `file:`, `tg:`), a relative or
 * malformed URL, user name or password in the URL (they would end up in a chat), whitespace or
 * control characters, or more than MAX_LINK_LENGTH characters.
 */
export function httpLink(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LINK_LENGTH) return undefined;
  if (hasUnsafeCharacter(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.hostname === '' || url.username !== '' || url.password !== '') return undefined;
  return url.href.length <= MAX_LINK_LENGTH ? url.href : undefined;
}
