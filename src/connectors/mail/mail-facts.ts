import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { automatedReason } from './auto-mail';
import { newPartOf } from './reply-text';

export interface MailAddress {
  /** Lowercased. */
  address: string;
  name?: string;
}

/** What the connector needs of one mail, read from its headers and the start of its body. */
export interface MailFacts {
  /** The Message-ID without angle brackets, or a stable key derived from the mail when it has none. */
  key: string;
  /** Whether `key` is the mail's own Message-ID. */
  hasMessageId: boolean;
  /** Keys this mail replies to: In-Reply-To first, then References (newest last). */
  replyTo: string[];
  from: MailAddress | undefined;
  /** To and Cc addresses, lowercased. */
  recipients: string[];
  subject: string;
  /** Subject without Re:/Fwd:/AW:/Ответ: prefixes and tags, lowercased: the threading fallback. */
  subjectKey: string;
  /** Why it is machine-made (auto-reply, bounce, list mail), if it is. */
  automated: string | undefined;
  /** The new part of the text, quotes and signature stripped, capped. */
  text: string;
}

const MAX_KEY = 400;
const MESSAGE_ID = /<([^<>\s]+)>/g;

/**
 * Parses `source` (a mail, or only its first bytes when it is large: a cut attachment costs
 * nothing) into facts. Never throws on malformed MIME or odd charsets: mailparser decodes what
 * it can, and a mail without a Message-ID gets a key derived from its headers.
 */
export async function readMailFacts(source: Buffer, maxTextLength: number): Promise<MailFacts> {
  const parsed = await simpleParser(source, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, maxHtmlLengthToParse: 256 * 1024 });
  const messageId = firstId(parsed.messageId);
  const from = firstAddress(parsed.from);
  const subject = clean(parsed.subject ?? '');
  const contentType = headerText(parsed, 'content-type');
  return {
    key: messageId ?? derivedKey(source),
    hasMessageId: messageId !== undefined,
    replyTo: unique([...idsIn(parsed.inReplyTo), ...idsIn(parsed.references).reverse()]),
    from,
    recipients: unique([...addressesOf(parsed.to), ...addressesOf(parsed.cc)].map((a) => a.address)),
    subject,
    subjectKey: subjectKeyOf(subject),
    automated: automatedReason(parsed.headerLines, from?.address, subject, contentType),
    text: clean(newPartOf(bodyText(parsed), maxTextLength)),
  };
}

export function subjectKeyOf(subject: string): string {
  let rest = subject.toLowerCase();
  // Strip any run of reply/forward prefixes and [tags]: "Re: [#12] Fwd: AW: hello" → "hello".
  for (;;) {
    const next = rest.replace(/^\s*((re|fwd?|aw|wg|sv|vs|antw|ответ|отв|пересл)(\[\d+\])?\s*:|\[[^\]]{0,40}\])\s*/i, '');
    if (next === rest) break;
    rest = next;
  }
  return rest.replace(/\s+/g, ' ').trim();
}

function bodyText(parsed: ParsedMail): string {
  if (typeof parsed.text === 'string' && parsed.text.trim().length > 0) return parsed.text;
  return typeof parsed.html === 'string' ? parsed.html.replace(/<[^>]*>/g, ' ') : '';
}

function firstId(value: string | undefined): string | undefined {
  return idsIn(value)[0];
}

/** Message-IDs in a header value; a bare id without brackets counts too (some clients). */
function idsIn(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const text = Array.isArray(value) ? value.join(' ') : value;
  const ids = [...text.matchAll(MESSAGE_ID)].map((m) => m[1] ?? '');
  const found = ids.length > 0 ? ids : text.split(/\s+/).filter((t) => t.includes('@'));
  return found.map((id) => clean(id)).filter((id) => id.length > 0 && id.length <= MAX_KEY);
}

function firstAddress(value: AddressObject | undefined): MailAddress | undefined {
  return addressesOf(value)[0];
}

function addressesOf(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  if (value === undefined) return [];
  const objects = Array.isArray(value) ? value : [value];
  const out: MailAddress[] = [];
  const walk = (entries: AddressObject['value']): void => {
    for (const entry of entries) {
      if (entry.group) walk(entry.group);
      else if (entry.address) out.push({ address: clean(entry.address).toLowerCase(), ...(entry.name ? { name: clean(entry.name) } : {}) });
    }
  };
  for (const object of objects) walk(object.value);
  return out;
}

function headerText(parsed: ParsedMail, key: string): string {
  const value = parsed.headers.get(key);
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'value' in value && typeof value.value === 'string') return value.value;
  return '';
}

/**
 * A key for a mail without a Message-ID: a hash of its header block, which the server stores
 * unchanged, so fetching the same mail again (after a restart or a resync) gives the same key.
 */
function derivedKey(source: Buffer): string {
  const end = source.indexOf('\r\n\r\n');
  const headers = end >= 0 ? source.subarray(0, end) : source.subarray(0, 8192);
  return `no-message-id.${createHash('sha256').update(headers).digest('base64url').slice(0, 32)}@replywatch`;
}

/** Removes characters PostgreSQL cannot store and trims. */
function clean(text: string): string {
  return text
    .split('\u0000')
    .join('')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .trim();
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
