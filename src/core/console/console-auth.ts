import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Request } from 'express';
import { CLOCK, type Clock } from '../clock/clock';
import { HUB_CONFIG } from '../config/settings.tokens';
import { type LoadedConfig } from '../config/load-config';
import { consolePaths, type ConsolePaths } from './console-paths';
import { type ConsoleSettings } from './console-config.schema';
import { addressKey } from './address-key';
import { readForm } from './form-body';
import { readCookies, requestOrigin, sameOrigin } from './request-origin';
import { type ConsoleRole, type ConsoleSession, equal, SessionCodec } from './session-codec';
import { SignInLimiter } from './sign-in-limiter';
import { STRINGS } from './strings.en';

/** What the POST gate let through (the session and its form), or why not. */
export type OperatorPost = { ok: true; session: ConsoleSession; form: URLSearchParams } | { ok: false; status: 401 | 403; text: string };

const COOKIE = 'replywatch_console';

interface Account {
  name: string;
  role: ConsoleRole;
  token: string;
  tag: string;
}

export type SignInOutcome = { ok: true; session: ConsoleSession } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'limited'; retryAfterMs: number };

/**
 * Who may use the console: the admin token (an operator named `admin`) and the viewers and
 * operators of hub.yaml. Sessions are signed cookies (see SessionCodec); a request is trusted
 * only through `session()`, and a POST only once `postAllowed()` said so.
 */
@Injectable()
export class ConsoleAuth {
  readonly settings: ConsoleSettings;
  readonly paths: ConsolePaths;
  private readonly codec: SessionCodec | undefined;
  private readonly accounts: Account[];
  private readonly limiter = new SignInLimiter();
  private readonly logger = new Logger('console');

  constructor(@Inject(HUB_CONFIG) config: LoadedConfig, @Inject(CLOCK) private readonly clock: Clock) {
    this.settings = config.hub.console;
    this.paths = consolePaths(this.settings.path);
    const admin = config.hub.admin.token;
    this.codec = admin && this.settings.enabled ? new SessionCodec(admin) : undefined;
    const account = (name: string, role: ConsoleRole, token: string): Account => ({ name, role, token, tag: this.codec?.tokenTag(token) ?? '' });
    this.accounts = admin
      ? [account('admin', 'operator', admin), ...this.settings.operators.map((p) => account(p.name, 'operator', p.token)), ...this.settings.viewers.map((p) => account(p.name, 'viewer', p.token))]
      : [];
  }

  /** The console is served only with an admin token: its key signs the sessions. */
  get enabled(): boolean {
    return this.codec !== undefined;
  }

  signIn(token: string, address: string): SignInOutcome {
    const now = this.clock.now();
    const client = addressKey(address);
    const retryAfterMs = this.limiter.retryAfter(client, now);
    if (retryAfterMs > 0) return { ok: false, reason: 'limited', retryAfterMs };
    // Every account is compared, matched or not, so the time taken says nothing about which.
    let found: Account | undefined;
    for (const account of this.accounts) if (equal(token, account.token) && !found) found = account;
    if (!found || !this.codec) {
      // Once per lock-out, and never the token tried: an operator sees guessing, not secrets.
      const reached = this.limiter.fail(client, now);
      if (reached === 'address') this.logger.warn(`console sign-in: too many failed attempts from ${client}; refused for a while`);
      if (reached === 'global') this.logger.warn('console sign-in: too many failed attempts from all addresses together; every sign-in refused for a while');
      return { ok: false, reason: 'invalid' };
    }
    // A success clears no failures: a valid viewer token must not buy more guesses at the others.
    return { ok: true, session: { role: found.role, name: found.name, expiresAt: now + this.settings.sessionTtl, nonce: SessionCodec.newNonce(), tokenTag: found.tag } };
  }

  /** The signed-in session of this request, if its cookie is valid now and its token still configured. */
  session(req: Request): ConsoleSession | undefined {
    const cookie = readCookies(req.headers.cookie).get(COOKIE);
    const session = cookie && this.codec ? this.codec.decode(cookie, this.clock.now()) : undefined;
    if (!session) return undefined;
    const account = this.accounts.find((a) => a.name === session.name);
    return account && account.role === session.role && account.tag === session.tokenTag ? session : undefined;
  }

  csrfToken(session: ConsoleSession): string {
    return this.codec?.csrfToken(session) ?? '';
  }

  /** A state-changing request: same origin (when the browser says) and the session's CSRF token. */
  postAllowed(req: Request, session: ConsoleSession | undefined, csrf: string | undefined): boolean {
    if (!sameOrigin(req, this.settings.trustProxy)) return false;
    return session === undefined || (this.codec?.checkCsrf(session, csrf) ?? false);
  }

  /**
   * The gate of every console POST that changes something, in this order: a session (401),
   * same origin with the session's CSRF token from the X-CSRF-Token header or the form (403),
   * the operator role (403). Reads the form on the way; the caller answers a refusal in its
   * own page's words.
   */
  async operatorPost(req: Request): Promise<OperatorPost> {
    const session = this.session(req);
    if (!session) return { ok: false, status: 401, text: STRINGS.errors.unauthorized };
    const form = await readForm(req);
    const header = req.headers['x-csrf-token'];
    const csrf = (Array.isArray(header) ? header[0] : header) ?? form.get('csrf') ?? undefined;
    if (!this.postAllowed(req, session, csrf)) return { ok: false, status: 403, text: STRINGS.errors.csrf };
    if (session.role !== 'operator') return { ok: false, status: 403, text: STRINGS.errors.forbidden };
    return { ok: true, session, form };
  }

  /** Sign-in has no session yet: only the origin can be checked. */
  originAllowed(req: Request): boolean {
    return sameOrigin(req, this.settings.trustProxy);
  }

  setCookie(req: Request, session: ConsoleSession): string {
    // Rounded: the sign-in read the clock a moment ago, and a whole TTL should read as one.
    const maxAge = Math.max(0, Math.round((session.expiresAt - this.clock.now()) / 1000));
    return this.cookie(req, this.codec?.encode(session) ?? '', maxAge);
  }

  clearCookie(req: Request): string {
    return this.cookie(req, '', 0);
  }

  /**
   * Who is guessing, for the sign-in limit. Behind a trusted proxy every request comes from
   * the proxy: the address it appended last to X-Forwarded-For is the client's (earlier
   * entries are whatever the client claimed).
   */
  clientAddress(req: Request): string {
    const forwarded = this.settings.trustProxy ? req.headers['x-forwarded-for'] : undefined;
    const last = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)?.split(',').pop()?.trim();
    return last || (req.socket.remoteAddress ?? 'unknown');
  }

  private cookie(req: Request, value: string, maxAgeSeconds: number): string {
    const secure = requestOrigin(req, this.settings.trustProxy).https;
    return [`${COOKIE}=${value}`, `Path=${this.paths.cookiePath}`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join('; ');
  }
}
