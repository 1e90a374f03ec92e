import { formatInstant } from '../format-duration';
import { html, type Html } from '../html';
import { type Notice } from '../notice';

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
