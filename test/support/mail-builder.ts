import { randomUUID } from 'node:crypto';

export interface MailSpec {
  /** `addr@host` or `Display Name <addr@host>`; a non-ASCII display name is RFC 2047 encoded. */
  from: string;
  to: string | string[];
  cc?: string | string[];
  subject: string;
  /** With or without angle brackets; a fresh one is generated when absent. */
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  date?: Date;
  text: string;
  /** When given, the message is multipart/alternative with the text and this HTML. */
  html?: string;
  /** Written as given, after the standard headers (e.g. `Auto-Submitted: auto-replied`). */
  headers?: Record<string, string>;
}

const CRLF = '\r\n';
/** RFC 2045 limits an encoded line to 76 characters, the soft line break's `=` included. */
const QP_LINE_LIMIT = 76;
/** RFC 2047: an encoded word is at most 75 characters, `=?UTF-8?B?` and `?=` included. */
const ENCODED_WORD_PAYLOAD_BYTES = 45;
/** RFC 5322's hard limit for a line, without its CRLF. */
const MAX_LINE_LENGTH = 998;

/** An RFC 5322 message with CRLF line endings, ready for IMAP APPEND. */
export function buildMail(spec: MailSpec): string {
  const headers = [
    `Date: ${formatDate(spec.date ?? new Date())}`,
    `From: ${formatAddresses(spec.from)}`,
    `To: ${formatAddresses(spec.to)}`,
    ...(spec.cc === undefined ? [] : [`Cc: ${formatAddresses(spec.cc)}`]),
    `Subject: ${encodeHeaderText(spec.subject)}`,
    `Message-ID: ${angleBracketed(spec.messageId ?? `${randomUUID()}@example.test`)}`,
    ...(spec.inReplyTo === undefined ? [] : [`In-Reply-To: ${angleBracketed(spec.inReplyTo)}`]),
    ...(spec.references?.length ? [`References: ${spec.references.map(angleBracketed).join(`${CRLF} `)}`] : []),
    ...Object.entries(spec.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    'MIME-Version: 1.0',
  ];
  if (spec.html === undefined) return [...headers, ...textPart('plain', spec.text)].join(CRLF);
  const boundary = `=_replywatch_${randomUUID()}`;
  return [
    ...headers,
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    ...textPart('plain', spec.text),
    `--${boundary}`,
    ...textPart('html', spec.html),
    `--${boundary}--`,
    '',
  ].join(CRLF);
}

/** Content headers, blank line and body of one text part. */
function textPart(subtype: 'plain' | 'html', content: string): string[] {
  const lines = content.replace(/\r?\n/g, '\n').split('\n');
  // Plain ASCII within the line limit travels as is; anything else is made 7-bit safe so the
  // message survives any server or relay, not only 8BITMIME-capable ones.
  const sevenBitSafe = lines.every((line) => isPrintableAscii(line) && line.length <= MAX_LINE_LENGTH);
  return [
    `Content-Type: text/${subtype}; charset=utf-8`,
    `Content-Transfer-Encoding: ${sevenBitSafe ? '7bit' : 'quoted-printable'}`,
    '',
    ...(sevenBitSafe ? lines : lines.flatMap(quotedPrintableLines)),
  ];
}

function quotedPrintableLines(line: string): string[] {
  const bytes = Buffer.from(line, 'utf8');
  const tokens = [...bytes].map((byte, index) => {
    const isLast = index === bytes.length - 1;
    // Trailing whitespace is stripped by some transports, so only inner spaces stay literal.
    const literal = (byte >= 33 && byte <= 126 && byte !== 0x3d) || ((byte === 0x20 || byte === 0x09) && !isLast);
    return literal ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  });
  const encoded: string[] = [];
  let current = '';
  for (const token of tokens) {
    // Break between tokens so that no =XX escape is split by a soft line break.
    if (current.length + token.length > QP_LINE_LIMIT - 1) {
      encoded.push(`${current}=`);
      current = '';
    }
    current += token;
  }
  return [...encoded, current];
}

function formatAddresses(addresses: string | string[]): string {
  return (Array.isArray(addresses) ? addresses : [addresses]).map(formatAddress).join(', ');
}

function formatAddress(address: string): string {
  const match = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(address);
  if (!match) return address.trim();
  const [, rawName = '', addr = ''] = match;
  const name = rawName.replace(/^"(.*)"$/, '$1');
  if (name === '') return `<${addr}>`;
  if (!isPrintableAscii(name)) return `${encodeWords(name)} <${addr}>`;
  return /[()<>[\]:;@\\,."]/.test(name) ? `"${name.replace(/(["\\])/g, '\\$1')}" <${addr}>` : `${name} <${addr}>`;
}

function encodeHeaderText(text: string): string {
  return isPrintableAscii(text) ? text : encodeWords(text);
}

/** RFC 2047 B-encoded words, split on character boundaries and folded onto continuation lines. */
function encodeWords(text: string): string {
  const words: string[] = [];
  let chunk = '';
  for (const character of text) {
    if (Buffer.byteLength(chunk + character, 'utf8') > ENCODED_WORD_PAYLOAD_BYTES) {
      words.push(chunk);
      chunk = '';
    }
    chunk += character;
  }
  words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join(`${CRLF} `);
}

/** RFC 5322 date-time in UTC, e.g. `Tue, 01 Dec 2026 10:00:00 +0000`. */
function formatDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

function angleBracketed(id: string): string {
  const bare = id.trim().replace(/^<|>$/g, '');
  return `<${bare}>`;
}

/** Printable ASCII and tabs: safe to send unencoded. Anything else (control characters too) is encoded. */
function isPrintableAscii(text: string): boolean {
  return /^[\t -~]*$/.test(text);
}
