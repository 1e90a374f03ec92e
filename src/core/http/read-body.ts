import { type IncomingMessage } from 'node:http';
import { problem, ProblemException } from './problem';

/**
 * The exact request bytes, up to `limit`. The hub runs without a global body parser, so that
 * signatures can be checked over raw bytes and body errors come back as problem+json.
 */
export async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () => problem(413, 'Content Too Large', `the request body exceeds ${limit} bytes`, { header: 'content-length' });
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (error) {
    if (req.destroyed && !(error instanceof ProblemException)) throw new ClientGoneError(size);
    throw error;
  }
  return Buffer.concat(chunks);
}

/**
 * The sender hung up before its body arrived (or was cut off by the server's request
 * timeout). Nothing was stored and there is no one to answer: routine, not a server error.
 */
export class ClientGoneError extends Error {
  constructor(readonly bytesRead: number) {
    super(`the client closed the connection after ${bytesRead} bytes of the body; nothing was stored`);
    this.name = 'ClientGoneError';
  }
}

/** Parses JSON, saying where it broke without echoing the content. */
export function parseJsonBody(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (error) {
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    throw problem(400, 'Malformed JSON', position ? `the body is not valid JSON (at byte ${position})` : 'the body is not valid JSON');
  }
}
