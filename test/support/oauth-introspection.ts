import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

/** One request the endpoint received, as Dovecot's oauth2 passdb sent it. */
export interface IntrospectionRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  /** The `token` form field; undefined when the body had none. */
  token: string | undefined;
  /** Whether the token was accepted (`active: true`) when it was asked about. */
  active: boolean;
}

/**
 * An OAuth2 token introspection endpoint (RFC 7662) for tests, on 127.0.0.1: answers
 * `POST token=<token>` with `{"active": true, "username": "<user>"}` for a token it currently
 * accepts and `{"active": false}` for any other. Tokens are granted and revoked at runtime.
 */
export interface IntrospectionServer {
  /** `http://127.0.0.1:PORT/introspect`, for `startDovecot({ oauth2: { introspectionUrl } })`. */
  readonly url: string;
  /** Every request so far, oldest first. */
  readonly requests: readonly IntrospectionRequest[];
  /** Accepts `token` for `user` from now on. */
  grant(token: string, user: string): void;
  /** Refuses `token` from now on. */
  revoke(token: string): void;
  /** Forgets the requests recorded so far. */
  clearRequests(): void;
  close(): Promise<void>;
}

const PATH = '/introspect';
const MAX_BODY_BYTES = 64 * 1024;

export async function startIntrospectionServer(): Promise<IntrospectionServer> {
  const accepted = new Map<string, string>();
  const requests: IntrospectionRequest[] = [];

  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    const token = new URLSearchParams(body).get('token') ?? undefined;
    const user = token === undefined ? undefined : accepted.get(token);
    const valid = request.method === 'POST' && request.url === PATH && user !== undefined;
    requests.push({ method: request.method ?? '', path: request.url ?? '', contentType: request.headers['content-type'], token, active: valid });
    if (request.url !== PATH) return reply(response, 404, { error: 'not_found' });
    if (request.method !== 'POST') return reply(response, 405, { error: 'method_not_allowed' });
    // RFC 7662 §2.2: an unknown, expired or revoked token is `active: false` with status 200.
    reply(response, 200, valid ? { active: true, username: user } : { active: false });
  };

  const server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => reply(response, 400, { error: 'invalid_request', error_description: (error as Error).message }));
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${PATH}`,
    requests,
    grant: (token, user) => void accepted.set(token, user),
    revoke: (token) => void accepted.delete(token),
    clearRequests: () => void requests.splice(0),
    close: () => closeServer(server),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.once('error', reject);
  });
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Closes the listener and the keep-alive connections Dovecot's HTTP client holds open. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
