import { createHash } from 'node:crypto';
import { SessionCodec, type ConsoleSession } from './session-codec';

const session: ConsoleSession = { role: 'viewer', name: 'maria', expiresAt: 2_000, nonce: 'n-1', tokenTag: 'tag' };

describe('SessionCodec', () => {
  const codec = new SessionCodec('admin-token-0123456789');

  it('reads back what it wrote until the expiry', () => {
    const cookie = codec.encode(session);
    expect(codec.decode(cookie, 1_999)).toEqual(session);
    expect(codec.decode(cookie, 2_000)).toBeUndefined();
  });

  it('refuses a cookie whose body was changed (a viewer promoting itself)', () => {
    const [, signature] = codec.encode(session).split('.');
    const forged = Buffer.from(JSON.stringify({ r: 'operator', n: 'maria', e: 2_000, k: 'n-1', t: 'tag' })).toString('base64url');
    expect(codec.decode(`${forged}.${signature}`, 0)).toBeUndefined();
  });

  it('refuses cookies signed under another admin token: rotating the token signs everyone out', () => {
    expect(new SessionCodec('another-admin-token-0123').decode(codec.encode(session), 0)).toBeUndefined();
  });

  it('refuses garbage without throwing', () => {
    for (const cookie of ['', '.', 'a.b.c', 'abc', '%%%.###']) expect(codec.decode(cookie, 0)).toBeUndefined();
  });

  it('derives the CSRF token from the nonce and checks it', () => {
    const token = codec.csrfToken(session);
    expect(codec.checkCsrf(session, token)).toBe(true);
    expect(codec.checkCsrf({ nonce: 'other' }, token)).toBe(false);
    expect(codec.checkCsrf(session, undefined)).toBe(false);
    expect(codec.checkCsrf(session, `${token}x`)).toBe(false);
  });

  it('never puts the token itself into the tag', () => {
    expect(codec.tokenTag('admin-token-0123456789')).not.toContain('admin');
    expect(codec.tokenTag('a')).not.toBe(codec.tokenTag('b'));
  });

  it('keys the tag, so a leaked cookie is no offline test of a guessed token', () => {
    const token = 'viewer-token-0123456789';
    const tag = codec.tokenTag(token);
    expect(codec.tokenTag(token)).toBe(tag);
    // Another key (admin token) gives another tag; and no plain digest of the token matches it.
    expect(new SessionCodec('another-admin-token-0123').tokenTag(token)).not.toBe(tag);
    for (const text of [token, `replywatch console token tag\u0000${token}`]) expect(createHash('sha256').update(text).digest('base64url').slice(0, 16)).not.toBe(tag);
  });
});
