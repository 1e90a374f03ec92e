import { type Health } from '../../../plugins/sdk/services';
import { type DeliveryRow } from '../../outbox/outbox-store';
import { type TargetSummary } from '../../outbox/outbox-summary';
import { html, type Html } from '../html';
import { type Notice } from '../notice';
import { type ConsoleRole } from '../session-codec';
import { STRINGS } from '../strings.en';
import { deliveryRows } from './inquiry.page';
import { layout, type Shell } from './layout';
import { instant, livePart, noticeBlock } from './parts';

const D = STRINGS.deliveries;

export interface DeliveryFilters {
  connector?: string;
  target?: string;
}

export interface DeliveriesModel {
  health: Record<string, Health>;
  targets: TargetSummary[];
  rows: DeliveryRow[];
  filters: DeliveryFilters;
  /** Connectors and targets to filter by: those with trouble, and the one chosen. */
  choices: { connectors: string[]; targets: string[] };
  /** Query strings of the next and first pages; null where there is none. */
  nextQuery: string | null;
  firstQuery: string | null;
  /** This page's own query (filters and page), for live updates to fetch the same again. */
  query: string;
  role: ConsoleRole;
  notice?: Notice;
}

/** Connector health, the targets with dead letters or retries, and the deliveries behind them. */
export function deliveriesPage(shell: Shell, model: DeliveriesModel): Html {
  return layout(
    { ...shell, current: 'deliveries' },
    D.title,
    html`<h1>${D.heading}</h1>
${noticeBlock(model.notice)}
${livePart(shell, { id: 'deliveries', url: `${shell.paths.deliveriesLive}${model.query}`, filter: 'deliveries', announce: D.updated }, deliveriesBody(shell, model))}`,
  );
}

/** What live updates fetch again: health, the targets and the list, filtered and paged as the page is. */
export function deliveriesBody(shell: Shell, model: DeliveriesModel): Html {
  return html`${health(model)}
${targets(shell, model)}
${list(shell, model)}`;
}

function health(model: DeliveriesModel): Html {
  const H = D.healthColumns;
  const entries = Object.entries(model.health).sort(([a], [b]) => a.localeCompare(b));
  return html`<section aria-labelledby="h-health">
  <h2 id="h-health">${D.health}</h2>
  ${entries.length === 0
    ? html`<p class="empty">${D.noConnectors}</p>`
    : html`<div class="table-wrap"><table class="queue health">
<caption>${D.healthCaption}</caption>
<thead><tr><th scope="col">${H.connector}</th><th scope="col">${H.status}</th><th scope="col">${H.detail}</th><th scope="col">${H.parts}</th></tr></thead>
<tbody>${entries.map(
        ([name, h]) => html`<tr class="${h.status === 'down' ? 'breached' : h.status === 'degraded' ? 'held' : ''}" data-connector="${name}">
  <th scope="row" data-label="${H.connector}">${name}</th>
  <td data-label="${H.status}" class="status">${D.healthStatus[h.status]}</td>
  <td data-label="${H.detail}" class="text">${h.detail ?? D.none}</td>
  <td data-label="${H.parts}">${h.parts && h.parts.length > 0
    ? html`<ul class="plain">${h.parts.map((p) => html`<li>${p.name}: ${D.healthStatus[p.status]}${p.detail ? ` (${p.detail})` : ''}</li>`)}</ul>`
    : D.none}</td>
</tr>`,
      )}</tbody>
</table></div>`}
</section>`;
}

function targets(shell: Shell, model: DeliveriesModel): Html {
  const T = D.targetColumns;
  const operator = model.role === 'operator';
  return html`<section aria-labelledby="h-targets">
  <h2 id="h-targets">${D.targets}</h2>
  ${model.targets.length === 0
    ? html`<p class="empty">${D.noTargets}</p>`
    : html`<div class="table-wrap"><table class="queue targets">
<caption>${D.targetsCaption}</caption>
<thead><tr>
  <th scope="col">${T.connector}</th><th scope="col">${T.target}</th><th scope="col">${T.dead}</th><th scope="col">${T.retrying}</th>
  <th scope="col">${T.queued}</th><th scope="col">${T.nextAttempt}</th><th scope="col">${T.lastError}</th><th scope="col">${T.breaker}</th>
  ${operator ? html`<th scope="col">${T.actions}</th>` : ''}
</tr></thead>
<tbody>${model.targets.map(
        (t) => html`<tr class="${t.dead > 0 ? 'breached' : t.retrying > 0 ? 'held' : ''}" data-target="${t.connector}/${t.target}">
  <th scope="row" data-label="${T.connector}">${t.connector}</th>
  <td data-label="${T.target}">${t.target || D.none}</td>
  <td data-label="${T.dead}" class="dead-count">${t.dead}</td>
  <td data-label="${T.retrying}">${t.retrying}</td>
  <td data-label="${T.queued}">${t.queued}</td>
  <td data-label="${T.nextAttempt}">${instant(t.nextAttemptAt, D.none)}</td>
  <td data-label="${T.lastError}" class="text">${t.lastError ?? D.none}</td>
  <td data-label="${T.breaker}">${t.breaker ? `${D.breaker[t.breaker.state] ?? t.breaker.state}${t.breaker.reason ? ` (${t.breaker.reason})` : ''}` : D.noBreaker}</td>
  ${operator
    ? html`<td data-label="${T.actions}">${t.dead > 0
        ? html`<form method="post" action="${shell.paths.replay}">${csrf(shell)}<input type="hidden" name="connector" value="${t.connector}"><input type="hidden" name="target" value="${t.target}"><button type="submit">${D.replayTarget(t.dead, t.connector, t.target)}</button></form>`
        : ''}</td>`
    : ''}
</tr>`,
      )}</tbody>
</table></div>`}
</section>`;
}

function list(shell: Shell, model: DeliveriesModel): Html {
  const operator = model.role === 'operator';
  const select = (name: keyof DeliveryFilters, label: string, options: readonly string[]) =>
    html`<label>${label} <select name="${name}"><option value="">${D.any}</option>${options.map(
      (o) => html`<option value="${o}"${model.filters[name] === o ? html` selected` : ''}>${o}</option>`,
    )}</select></label>`;
  const anyDead = model.rows.some((r) => r.status === 'dead');
  return html`<section aria-labelledby="h-list">
  <h2 id="h-list">${D.list}</h2>
  <form class="filters" method="get" action="${shell.paths.deliveries}" role="search" aria-label="${D.filters}">
    ${select('connector', D.connector, model.choices.connectors)}
    ${select('target', D.target, model.choices.targets)}
    <button type="submit">${D.apply}</button>
    <a href="${shell.paths.deliveries}">${D.clear}</a>
  </form>
  ${operator && model.filters.connector && anyDead
    ? html`<form method="post" action="${shell.paths.replay}" class="replay-set">${csrf(shell)}<input type="hidden" name="connector" value="${model.filters.connector}">${model.filters.target !== undefined ? html`<input type="hidden" name="target" value="${model.filters.target}">` : ''}<button type="submit">${D.replayFiltered}</button></form>`
    : ''}
  ${model.rows.length === 0
    ? html`<p class="empty">${D.noneListed}</p>`
    : html`<div class="table-wrap"><table class="queue deliveries" id="delivery-list">
<caption>${D.listCaption}</caption>
${deliveryRows(shell, model.rows, { inquiryColumn: true, replay: operator })}
</table></div>`}
  <nav class="pages" aria-label="${D.list}">
    ${model.firstQuery !== null ? html`<a href="${shell.paths.deliveries}${model.firstQuery}">${D.first}</a>` : ''}
    ${model.nextQuery !== null ? html`<a rel="next" href="${shell.paths.deliveries}${model.nextQuery}">${D.more}</a>` : ''}
  </nav>
</section>`;
}

function csrf(shell: Shell): Html {
  return html`<input type="hidden" name="csrf" value="${shell.csrf ?? ''}">`;
}
