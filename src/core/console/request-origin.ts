import { type Request } from 'express';

/** Where the browser thinks it is: scheme and host, as far as the hub can tell. */
export function requestOrigin(req: Request, trustProxy: boolean): { https: boolean; host: string | undefined } {
  const forwardedProto = trustProxy ? firstValue(req.headers['x-forwarded-proto']) : undefined;
  const forwardedHost = trustProxy ? firstValue(req.headers['x-forwarded-host']) : undefined;
  const https = forwardedProto !== undefined ? forwardedProto.toLowerCase() === 'https' : (req.socket as { encrypted?: boolean }).encrypted === true;
  return { https, host: forwardedHost ?? req.headers.host };
}

/**
 * A browser names the page a POST came from in `Origin` (and `Sec-Fetch-Site`); a request
 * from another site is refused even with a valid cookie. Neither header present (an old
 * browser, a script): the CSRF token alone decides.
 */
export function sameOrigin(req: Request, trustProxy: boolean): boolean {
  const site = firstValue(req.headers['sec-fetch-site']);
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = firstValue(req.headers.origin);
  if (origin === undefined) return true;
  const { host } = requestOrigin(req, trustProxy);
  try {
    // `Origin: null` (sandboxed frames, some redirects) does not parse: refused.
    return host !== undefined && new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0]?.trim() || undefined;
}

/** Cookies by name; a malformed pair is skipped rather than failing the request. */
export function readCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    try {
      if (!cookies.has(name)) cookies.set(name, decodeURIComponent(value));
    } catch {
      continue;
    }
  }
  return cookies;
}
