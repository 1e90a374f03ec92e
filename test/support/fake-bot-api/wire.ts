import { type IncomingMessage } from 'node:http';
import { badRequest, type Params } from './params';
import { type UploadedFile } from './types';

export interface ParsedRequest {
  params: Params;
  files: UploadedFile[];
}

const MAX_BODY = 60 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    // By default the real 50 MB upload cap, loosely; mostly guards the test process from a runaway client.
    if (size > limit) throw new PayloadTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export class PayloadTooLarge extends Error {}

/** Query parameters first, then the body; the body wins on a clash, as on the real server. */
export function parseRequest(search: URLSearchParams, contentType: string, body: Buffer): ParsedRequest {
  const params: Params = fromPairs(search);
  const files: UploadedFile[] = [];
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (body.length === 0) return { params, files };
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest("can't parse JSON encoded request");
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw badRequest("can't parse JSON encoded request");
    }
    Object.assign(params, parsed);
  } else if (type === 'application/x-www-form-urlencoded') {
    Object.assign(params, fromPairs(new URLSearchParams(body.toString('utf8'))));
  } else if (type === 'multipart/form-data') {
    for (const part of parseMultipart(body, contentType)) {
      if (part.filename === undefined) {
        params[part.name] = normalize(part.name, part.data.toString('utf8'));
        continue;
      }
      const file = { field: part.name, filename: part.filename, contentType: part.contentType, data: part.data };
      files.push(file);
      params[part.name] = { filename: file.filename, content_type: file.contentType, size: file.data.length };
    }
  }
  return { params, files };
}

function fromPairs(search: URLSearchParams): Params {
  const params: Params = {};
  for (const [key, value] of search) params[key] = normalize(key, value);
  return params;
}

const INTEGER_FIELDS = new Set([
  'chat_id', 'message_id', 'message_thread_id', 'reply_to_message_id', 'user_id', 'offset', 'limit', 'timeout',
  'max_connections', 'cache_time', 'from_chat_id',
]);
const BOOLEAN_FIELDS = new Set([
  'disable_notification', 'protect_content', 'drop_pending_updates', 'show_alert', 'allow_sending_without_reply',
  'disable_web_page_preview', 'disable_content_type_detection',
]);
const FREE_TEXT_FIELDS = new Set(['text', 'caption', 'description', 'url', 'secret_token', 'callback_query_id', 'data']);

// Text transports lose types; recording typed params keeps `calls[i].params` comparable
// no matter whether the client used JSON, a form or multipart.
function normalize(key: string, value: string): unknown {
  if (INTEGER_FIELDS.has(key) && /^-?\d+$/.test(value)) return Number(value);
  if (BOOLEAN_FIELDS.has(key) && (value === 'true' || value === 'false')) return value === 'true';
  if (!FREE_TEXT_FIELDS.has(key) && /^[[{]/.test(value)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}

interface Part {
  name: string;
  filename?: string;
  contentType: string;
  data: Buffer;
}

export function parseMultipart(body: Buffer, contentType: string): Part[] {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw badRequest('multipart boundary is missing');
  const opening = Buffer.from(`--${boundary}`);
  const separator = Buffer.from(`\r\n--${boundary}`);
  const parts: Part[] = [];
  let cursor = body.indexOf(opening);
  if (cursor < 0) throw badRequest("can't parse multipart/form-data request");
  cursor += opening.length;
  for (;;) {
    // "--" right after a delimiter closes the body; otherwise a CRLF starts the next part.
    if (body.subarray(cursor, cursor + 2).toString() === '--') break;
    if (body.subarray(cursor, cursor + 2).toString() === '\r\n') cursor += 2;
    const end = body.indexOf(separator, cursor);
    if (end < 0) throw badRequest("can't parse multipart/form-data request");
    parts.push(parsePart(body.subarray(cursor, end)));
    cursor = end + separator.length;
  }
  return parts;
}

function parsePart(raw: Buffer): Part {
  // A part without headers starts with the blank line itself.
  const headerEnd = raw.subarray(0, 2).toString() === '\r\n' ? -2 : raw.indexOf('\r\n\r\n');
  if (headerEnd === -1) throw badRequest("can't parse multipart/form-data request");
  const headerText = headerEnd < 0 ? '' : raw.subarray(0, headerEnd).toString('utf8');
  const data = raw.subarray(headerEnd + 4);
  const headers = new Map<string, string>();
  for (const line of headerText.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition') ?? '';
  const name = dispositionParam(disposition, 'name') ?? '';
  const filename = dispositionParam(disposition, 'filename');
  return { name, filename, contentType: headers.get('content-type') ?? 'application/octet-stream', data: Buffer.from(data) };
}

function dispositionParam(disposition: string, key: string): string | undefined {
  const quoted = new RegExp(`(?:^|;)\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(disposition);
  if (quoted) return quoted[1]!.replace(/\\(.)/g, '$1');
  const bare = new RegExp(`(?:^|;)\\s*${key}=([^;]*)`, 'i').exec(disposition);
  return bare?.[1]?.trim();
}
