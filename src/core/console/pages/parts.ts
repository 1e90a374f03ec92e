import { formatInstant } from '../format-duration';
import { html, type Html } from '../html';
import { type Notice } from '../notice';
import { STRINGS } from '../strings.en';
import { type Shell } from './layout';

/** The outcome of the last form post: a status to hear, or an alert for a refusal. */
export function noticeBlock(notice: Notice | undefined): Html | '' {
  return notice ? html`<p class="${notice.error ? 'error' : 'notice'}" role="${notice.error ? 'alert' : 'status'}">${notice.text}</p>` : '';
}

/** An instant in UTC, machine-readable too. */
export function instant(ms: number | string | Date | null | undefined, none: string): Html | string {
  if (ms === null || ms === undefined) return none;
  const at = new Date(ms).getTime();
  return Number.isNaN(at) ? none : html`<time datetime="${new Date(at).toISOString()}">${formatInstant(at)}</time>`;
}

/** An outside link (a chat, a mail, a ticket): only http(s), opened without handing over this page. */
export function outsideLink(url: string | null | undefined, label: string): Html | '' {
  if (!url || !/^https?:\/\//i.test(url)) return '';
  return html`<a href="${url}" rel="noopener noreferrer" target="_blank">${label}</a>`;
}

/**
 * The element live updates redraw, and the line saying whether they are on. It names the
 * fragment to fetch again, the stream, which changes concern it (`queue`, `deliveries`,
 * `inquiry:<id>`) and what to say politely after a redraw (the queue, which changes all the
 * time, says nothing). One per page: the script opens one stream for it.
 */
export function livePart(shell: Shell, part: { id: string; url: string; filter: string; announce?: string }, body: Html): Html {
  const Q = STRINGS.queue;
  return html`<div id="${part.id}" data-live-url="${part.url}" data-events-url="${shell.paths.events}" data-live-filter="${part.filter}"${part.announce ? html` data-live-announce="${part.announce}"` : ''}>
${body}
</div>
<p class="live" id="live-state" data-live="${Q.live}" data-offline="${Q.offline}"></p>`;
}
