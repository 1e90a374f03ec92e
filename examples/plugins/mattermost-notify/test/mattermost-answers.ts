import { type PeerResponse } from 'replywatch/testing';

/** A hook key as Mattermost generates them (26 lower-case letters and digits). */
export const HOOK_KEY = 'xk3p9wq7fj8r5tbe1mz4ycnd6h';

/** Mattermost's error body (model.AppError), as its handlers send it. */
export function appError(status: number, id: string, message: string): PeerResponse {
  return { status, body: { id, message, detailed_error: '', request_id: 'kqz8yj4nhtfu7mbxw5e1o3pcar', status_code: status } };
}

/** Answers as a Mattermost server does; see README "How answers are mapped". */
export const MATTERMOST_RESPONSES = {
  success: { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' },
  // The server's rate limiter: `http.Error(w, "limit exceeded", 429)` plus throttled's headers.
  rateLimited: {
    status: 429,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '7', 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '7' },
    body: 'limit exceeded\n',
  },
  serverError: appError(500, 'api.post.create_webhook_post.creating.app_error', 'Failed to create post'),
  // Mattermost itself does not ask hooks for credentials; a proxy in front of it may.
  unauthorized: { status: 401, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>401 Authorization Required</h1></body></html>' },
  forbidden: appError(403, 'web.incoming_webhook.channel_locked.app_error', 'This webhook is not permitted to post to the requested channel.'),
  notFound: appError(404, 'web.incoming_webhook.channel.app_error', "Couldn't find the channel."),
  invalid: appError(400, 'web.incoming_webhook.text.app_error', 'No text specified.'),
} satisfies Record<string, PeerResponse>;
