import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type ConsoleRole = 'viewer' | 'operator';

export interface ConsoleSession {
  role: ConsoleRole;
  /** The sign-in's name: `admin` for the admin token, else a configured viewer or operator. */
  name: string;
  /** Epoch ms after which the cookie is refused. */
  expiresAt: number;
  /** Random per sign-in; the CSRF token is derived from it. */
  nonce: string;
  /** A short keyed digest of the token used to sign in: a token removed from hub.yaml signs its holder out. */
  tokenTag: string;
}

interface Wire {
  r: ConsoleRole;
  n: string;
  e: number;
  k: string;
  t: string;
}

/**
 * Stateless sessions, so every replica accepts every cookie: the session is the cookie,
 * signed with HMAC-SHA256 under a key derived from the admin token. Rotating the admin token
 * changes the key, which signs everyone out.
 */
export class SessionCodec {
  private readonly key: Buffer;

  constructor(adminToken: string) {
    // A derived key, not the token itself: a leaked cookie signature says nothing usable about the token.
    this.key = createHmac('sha256', adminToken).update('replywatch console session v1').digest();
  }

  static newNonce(): string {
    return randomBytes(16).toString('base64url');
  }

  /**
   * A digest of a sign-in token short enough for a cookie; never the token. Keyed (HMAC under
   * the session key), so a leaked cookie is no test of guesses at a weak token: checking one
   * needs the admin token too. 96 bits: plenty to tell the configured tokens apart.
   */
  tokenTag(token: string): string {
    return this.sign(`token tag\u0000${token}`).slice(0, 16);
  }

  encode(session: ConsoleSession): string {
    const wire: Wire = { r: session.role, n: session.name, e: session.expiresAt, k: session.nonce, t: session.tokenTag };
    const body = Buffer.from(JSON.stringify(wire)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** The session, or undefined when the cookie is malformed, forged or expired at `now`. */
  decode(cookie: string, now: number): ConsoleSession | undefined {
    const [body, signature, extra] = cookie.split('.');
    if (!body || !signature || extra !== undefined) return undefined;
    if (!equal(signature, this.sign(body))) return undefined;
    let wire: Partial<Wire>;
    try {
      wire = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<Wire>;
    } catch {
      return undefined;
    }
    if ((wire.r !== 'viewer' && wire.r !== 'operator') || typeof wire.n !== 'string' || typeof wire.e !== 'number' || typeof wire.k !== 'string' || typeof wire.t !== 'string') return undefined;
    if (wire.e <= now) return undefined;
    return { role: wire.r, name: wire.n, expiresAt: wire.e, nonce: wire.k, tokenTag: wire.t };
  }

  /** The CSRF token of a session: derived from its nonce, so it needs no storage either. */
  csrfToken(session: Pick<ConsoleSession, 'nonce'>): string {
    return this.sign(`csrf\u0000${session.nonce}`);
  }

  checkCsrf(session: Pick<ConsoleSession, 'nonce'>, given: string | undefined): boolean {
    return given !== undefined && equal(given, this.csrfToken(session));
  }

  private sign(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}

/** Constant time over digests, so different lengths take the same path too. */
export function equal(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}
