import { type TemplateInput } from './names';

export function outboundErrorMapper(_input: TemplateInput): string {
  return `import axios from 'axios';
import { ConnectorError } from 'replywatch/sdk';

/*
 * What a failed attempt means to the outbox: TEMPORARY and RATE_LIMITED are tried again (after
 * retryAfterMs), AUTH_FAILED, NOT_FOUND and INVALID_PAYLOAD become dead letters at once.
 * Messages name the host and the status only: the URL's path and query may hold the credential,
 * and an error body may echo the request with its headers.
 */

/** The error for the webhook's answer, or undefined when it took the message. */
export function errorForStatus(status: number, retryAfter: string | undefined, where: string, now: number): ConnectorError | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(retryAfter, now);
    return new ConnectorError('RATE_LIMITED', \`\${where} is rate-limiting deliveries (429)\`, retryAfterMs === undefined ? {} : { retryAfterMs });
  }
  if (status >= 500) return new ConnectorError('TEMPORARY', \`\${where} failed (\${status})\`);
  if (status === 401 || status === 403) return new ConnectorError('AUTH_FAILED', \`\${where} refused the credentials (\${status}); check url and token\`);
  if (status === 404) return new ConnectorError('NOT_FOUND', \`\${where} has no webhook at the configured URL (404)\`);
  if (status >= 400) return new ConnectorError('INVALID_PAYLOAD', \`\${where} refused the message (\${status})\`);
  // Redirects are not followed (the token would travel with them), so a 3xx is a wrong URL.
  return new ConnectorError('NOT_FOUND', \`\${where} answered \${status}; set url to the webhook's final address\`);
}

/** Retry-After in seconds (\`7\`) or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * A request that got no answer. The client's error is deliberately not kept as the cause: it
 * carries the request's URL and headers (the token) into whatever logs the cause.
 */
export function errorForFailedRequest(error: unknown, where: string, timeoutMs: number, signal: AbortSignal): ConnectorError {
  if (signal.aborted) return new ConnectorError('TEMPORARY', \`the attempt was aborted before \${where} answered\`);
  const code = axios.isAxiosError(error) ? error.code : undefined;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') return new ConnectorError('TEMPORARY', \`\${where} did not answer within \${timeoutMs} ms\`);
  return new ConnectorError('TEMPORARY', \`\${where} is unreachable\${code ? \` (\${code})\` : ''}\`);
}
`;
}
