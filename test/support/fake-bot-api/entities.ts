import { badRequest } from './params';

// Telegram measures the 4096 limit after markup is parsed, and rejects malformed markup
// outright; both are common production failures, so the fake parses markup too. The
// parsers are deliberately small: they accept what Telegram accepts for ordinary bot
// output and reject the mistakes bots actually make (unescaped reserved characters,
// unknown or unclosed tags).

const HTML_TAGS = new Set([
  'b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'tg-emoji', 'code', 'pre',
  'blockquote',
]);
const HTML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** The text a user would see; throws Telegram's "can't parse entities" errors. */
export function visibleText(text: string, parseMode: string | undefined): string {
  switch (parseMode?.toLowerCase()) {
    case 'html':
      return parseHtml(text);
    case 'markdownv2':
      return parseMarkdownV2(text);
    case 'markdown':
      return text.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[*_`]/g, '');
    default:
      return text;
  }
}

const entityError = (what: string) => badRequest(`can't parse entities: ${what}`);
const byteOffset = (text: string, index: number) => Buffer.byteLength(text.slice(0, index));

function parseHtml(text: string): string {
  const open: string[] = [];
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '&') {
      const m = /^&(#x[0-9a-f]+|#\d+|[a-z]+);/i.exec(text.slice(i));
      const decoded = m ? decodeEntity(m[1]!) : undefined;
      if (m && decoded !== undefined) {
        out += decoded;
        i += m[0].length - 1;
      } else {
        out += ch;
      }
      continue;
    }
    if (ch !== '<') {
      out += ch;
      continue;
    }
    const close = text.indexOf('>', i);
    if (close < 0) throw entityError(`Unclosed start tag at byte offset ${byteOffset(text, i)}`);
    const tag = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)/.exec(text.slice(i, close + 1));
    if (!tag) throw entityError(`Unsupported start tag "" at byte offset ${byteOffset(text, i)}`);
    const name = tag[2]!.toLowerCase();
    if (tag[1] === '') {
      if (!HTML_TAGS.has(name)) throw entityError(`Unsupported start tag "${name}" at byte offset ${byteOffset(text, i)}`);
      open.push(name);
    } else if (open.at(-1) === name) {
      open.pop();
    } else {
      throw entityError(`Unmatched end tag at byte offset ${byteOffset(text, i)}, expected "</${open.at(-1) ?? ''}>", found "</${name}>"`);
    }
    i = close;
  }
  if (open.length > 0) throw entityError(`Can't find end tag corresponding to start tag "${open.at(-1)!}"`);
  return out;
}

function decodeEntity(name: string): string | undefined {
  if (name.startsWith('#')) {
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  }
  return HTML_ENTITIES[name.toLowerCase()];
}

const MD_RESERVED = new Set('_*[]()~`>#+-=|{}.!'.split(''));
const MD_ENTITY_NAMES: Record<string, string> = { '*': 'Bold', _: 'Italic', __: 'Underline', '~': 'Strikethrough', '||': 'Spoiler' };

function parseMarkdownV2(text: string): string {
  const open: Array<{ marker: string; at: number }> = [];
  let out = '';
  const toggle = (marker: string, at: number) => {
    if (open.at(-1)?.marker === marker) open.pop();
    else open.push({ marker, at });
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const lineStart = i === 0 || text[i - 1] === '\n';
    if (ch === '\\') {
      if (i + 1 < text.length) out += text[++i];
      continue;
    }
    if (ch === '`') {
      const fence = text.startsWith('```', i) ? '```' : '`';
      const end = findUnescaped(text, fence, i + fence.length);
      if (end < 0) throw entityError(`Can't find end of ${fence === '`' ? 'Code' : 'Pre'} entity at byte offset ${byteOffset(text, i)}`);
      out += text.slice(i + fence.length, end).replace(/\\([`\\])/g, '$1');
      i = end + fence.length - 1;
    } else if (ch === '*' || ch === '~') {
      toggle(ch, i);
    } else if (ch === '_') {
      if (text[i + 1] === '_') toggle('__', i++);
      else toggle('_', i);
    } else if (ch === '|' && text[i + 1] === '|') {
      toggle('||', i++);
    } else if (ch === '[') {
      const closeText = findUnescaped(text, ']', i + 1);
      if (closeText < 0 || text[closeText + 1] !== '(') throw reserved(ch);
      const closeUrl = findUnescaped(text, ')', closeText + 2);
      if (closeUrl < 0) throw entityError(`Can't find end of a URL at byte offset ${byteOffset(text, closeText + 2)}`);
      out += parseMarkdownV2(text.slice(i + 1, closeText));
      i = closeUrl;
    } else if (ch === '>' && lineStart) {
      // Block quotation marker at the start of a line.
    } else if (MD_RESERVED.has(ch)) {
      throw reserved(ch);
    } else {
      out += ch;
    }
  }
  const unclosed = open.at(-1);
  if (unclosed) {
    throw entityError(`Can't find end of ${MD_ENTITY_NAMES[unclosed.marker]!} entity at byte offset ${byteOffset(text, unclosed.at)}`);
  }
  return out;
}

const reserved = (ch: string) => entityError(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);

function findUnescaped(text: string, needle: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text.startsWith(needle, i)) return i;
  }
  return -1;
}
