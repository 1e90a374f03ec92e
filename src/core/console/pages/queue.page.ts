import { html, type Html } from '../html';
import { formatDuration, relative } from '../format-duration';
import { type QueueItem } from '../queue-view';
import { type ConsoleRole } from '../session-codec';
import { STRINGS } from '../strings.en';
import { layout, type Shell } from './layout';
import { livePart } from './parts';

export interface QueueFilters {
  channel?: string;
  policy?: string;
  tag?: string;
}

export interface QueueModel {
  items: QueueItem[];
  totals: { open: number; held: number };
  filters: QueueFilters;
  choices: { channels: readonly string[]; policies: readonly string[]; tags: readonly string[] };
  /** Query string of the next page; null on the last. */
  nextQuery: string | null;
  /** Set on a page after the first. */
  firstQuery: string | null;
  /** The current query (filters and cursor), kept by commands to come back here. */
  query: string;
  role: ConsoleRole;
  notice?: { text: string; error: boolean };
}

const Q = STRINGS.queue;

export function queuePage(shell: Shell, model: QueueModel): Html {
  return layout(
    { ...shell, current: 'queue' },
    Q.title,
    html`<h1>${Q.heading}</h1>
${model.notice ? html`<p class="${model.notice.error ? 'error' : 'notice'}" role="${model.notice.error ? 'alert' : 'status'}">${model.notice.text}</p>` : ''}
${filterForm(shell, model)}
${livePart(shell, { id: 'queue', url: `${shell.paths.rows}${model.query}`, filter: 'queue' }, queueBody(shell, model))}`,
  );
}

/** The part that live updates replace: totals, the table and the page links. */
export function queueBody(shell: Shell, model: QueueModel): Html {
  const now = shell.serverNow;
  return html`<p class="summary" id="queue-summary">${Q.summary(model.totals.open, model.totals.held)}</p>
${model.items.length === 0
  ? html`<p class="empty">${Q.empty}</p>`
  : html`<div class="table-wrap"><table class="queue">
<caption>${Q.caption}</caption>
<thead><tr>
  <th scope="col">${Q.columns.conversation}</th><th scope="col">${Q.columns.channel}</th><th scope="col">${Q.columns.policy}</th>
  <th scope="col">${Q.columns.waiting}</th><th scope="col">${Q.columns.nextMark}</th><th scope="col">${Q.columns.deadline}</th>
  <th scope="col">${Q.columns.status}</th>${model.role === 'operator' ? html`<th scope="col">${Q.columns.actions}</th>` : ''}
</tr></thead>
<tbody>${model.items.map((item) => row(shell, model, item, now))}</tbody>
</table></div>`}
<nav class="pages" aria-label="${Q.title}">
  ${model.firstQuery !== null ? html`<a href="${shell.paths.home}${model.firstQuery}">${Q.first}</a>` : ''}
  ${model.nextQuery !== null ? html`<a rel="next" href="${shell.paths.home}${model.nextQuery}">${Q.more}</a>` : ''}
</nav>`;
}

function row(shell: Shell, model: QueueModel, item: QueueItem, now: number): Html {
  const held = item.status === 'on_hold';
  const overdue = !held && item.dueAt !== null && item.dueAt <= now;
  const status = held ? Q.status.on_hold : item.breached || overdue ? Q.status.breached : Q.status.open;
  return html`<tr id="inquiry-${item.id}" data-inquiry="${item.id}" class="${held ? 'held' : overdue || item.breached ? 'breached' : ''}">
  <th scope="row" data-label="${Q.columns.conversation}"><a class="title" href="${shell.paths.inquiry(item.id)}">${item.displayTitle}</a>
    <span class="sub">${item.externalId}${item.tags.length > 0 ? html` · ${item.tags.map((t) => html`<span class="tag">${t}</span>`)}` : ''}</span></th>
  <td data-label="${Q.columns.channel}">${item.channel}</td>
  <td data-label="${Q.columns.policy}">${item.policy ?? Q.noPolicy}</td>
  <td data-label="${Q.columns.waiting}">${clock(item.openedAt, now, 'since')}</td>
  <td data-label="${Q.columns.nextMark}">${held ? Q.paused : item.nextAttentionAt === null ? Q.noMark : html`${item.nextLabel ?? ''} ${clock(item.nextAttentionAt, now, 'until')}`}</td>
  <td data-label="${Q.columns.deadline}">${held ? Q.paused : item.dueAt === null ? Q.noMark : clock(item.dueAt, now, 'until')}</td>
  <td data-label="${Q.columns.status}" class="status">${status}</td>
  ${model.role === 'operator' ? html`<td data-label="${Q.columns.actions}">${actions(shell, model, item)}</td>` : ''}
</tr>`;
}

/** A `<time>` the browser script keeps ticking: `data-since` counts up, `data-until` down. */
function clock(at: number, now: number, kind: 'since' | 'until'): Html {
  const text = kind === 'since' ? formatDuration(now - at) : at > now ? relative(STRINGS.client.in, at - now) : relative(STRINGS.client.overdue, now - at);
  return html`<time datetime="${new Date(at).toISOString()}" data-${kind}="${at}">${text}</time>`;
}

function actions(shell: Shell, model: QueueModel, item: QueueItem): Html {
  const C = STRINGS.commands;
  const form = (command: 'hold' | 'resume' | 'resolve', label: string) =>
    html`<form method="post" action="${shell.paths.command(item.id, command)}" class="cmd">${hidden(shell, model)}<button type="submit" aria-label="${label} — ${item.displayTitle}">${label}</button></form>`;
  return html`<div class="actions" role="group" aria-label="${C.actionsFor(item.displayTitle)}">
  ${item.status === 'open' ? form('hold', C.hold) : form('resume', C.resume)}
  ${form('resolve', C.resolve)}
  <details class="escalate"><summary>${C.escalate}</summary>
    <form method="post" action="${shell.paths.command(item.id, 'escalate')}" class="cmd">${hidden(shell, model)}
      <label>${C.reason} <input name="reason" required maxlength="1000"></label>
      <button type="submit" aria-label="${C.escalate} — ${item.displayTitle}">${C.escalate}</button>
    </form>
  </details>
</div>`;
}

function hidden(shell: Shell, model: QueueModel): Html {
  return html`<input type="hidden" name="csrf" value="${shell.csrf ?? ''}"><input type="hidden" name="back" value="${model.query}">`;
}

function filterForm(shell: Shell, model: QueueModel): Html {
  const select = (name: keyof QueueFilters, label: string, options: readonly string[]) =>
    html`<label>${label} <select name="${name}"><option value="">${Q.any}</option>${options.map(
      (o) => html`<option value="${o}"${model.filters[name] === o ? html` selected` : ''}>${o}</option>`,
    )}</select></label>`;
  return html`<form class="filters" method="get" action="${shell.paths.home}" role="search" aria-label="${Q.filters}">
  ${select('channel', Q.channel, model.choices.channels)}
  ${select('policy', Q.policy, model.choices.policies)}
  ${model.choices.tags.length > 0 ? select('tag', Q.tag, model.choices.tags) : ''}
  <button type="submit">${Q.apply}</button>
  <a href="${shell.paths.home}">${Q.clear}</a>
</form>`;
}
