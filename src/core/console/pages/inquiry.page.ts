import { type DeliveryRow } from '../../outbox/outbox-store';
import { formatDuration } from '../format-duration';
import { html, type Html } from '../html';
import { type InquiryDetail } from '../inquiry-detail';
import { type Notice } from '../notice';
import { type ConsoleRole } from '../session-codec';
import { STRINGS } from '../strings.en';
import { layout, type Shell } from './layout';
import { instant, livePart, noticeBlock, outsideLink } from './parts';

const I = STRINGS.inquiry;
const D = STRINGS.deliveries;

export interface InquiryModel {
  detail: InquiryDetail;
  role: ConsoleRole;
  notice?: Notice;
}

/** One inquiry: its conversation, SLA, messages, events and deliveries, and its commands. */
export function inquiryPage(shell: Shell, model: InquiryModel): Html {
  const { inquiry } = model.detail;
  const c = inquiry.conversation;
  const title = c.title ?? `${c.channel} ${c.id}`;
  const live = { id: 'inquiry', url: shell.paths.inquiryLive(inquiry.id), filter: `inquiry:${inquiry.id}`, announce: I.updated };
  return layout(
    { ...shell, current: 'inquiry' },
    `${I.title}: ${title}`,
    html`<p class="crumb"><a href="${shell.paths.home}">${I.back}</a></p>
<h1 class="inquiry-title">${title}</h1>
${noticeBlock(model.notice)}
${livePart(shell, live, inquiryBody(shell, model))}`,
  );
}

/** Everything below the title that changes (live updates fetch it again): facts, SLA, commands, messages, events, deliveries. */
export function inquiryBody(shell: Shell, model: InquiryModel): Html {
  const { inquiry, link } = model.detail;
  const c = inquiry.conversation;
  return html`<section aria-labelledby="h-conversation" class="facts-section">
  <h2 id="h-conversation">${I.conversation}</h2>
  <dl class="facts">
    <dt>${I.status}</dt><dd class="status-${inquiry.status}">${I.statuses[inquiry.status] ?? inquiry.status}</dd>
    <dt>${I.channel}</dt><dd>${c.channel}</dd>
    <dt>${I.conversationId}</dt><dd>${c.id}${link ? html` · ${outsideLink(link, I.openInChannel)}` : ''}</dd>
    ${inquiry.tickets.length > 0
      ? html`<dt>${I.tickets}</dt><dd><ul class="plain">${inquiry.tickets.map(
          (t) => html`<li>${t.target}: ${t.url ? outsideLink(t.url, t.key ?? t.id ?? t.url) : (t.key ?? t.id ?? I.ticketPending)} (${t.state})</li>`,
        )}</ul></dd>`
      : ''}
    <dt>${I.opened}</dt><dd>${instant(inquiry.openedAt, D.none)}</dd>
    ${inquiry.answeredAt ? html`<dt>${I.answered}</dt><dd>${instant(inquiry.answeredAt, D.none)}${inquiry.responder ? html` · ${I.responder} ${inquiry.responder.name ?? inquiry.responder.id}` : ''}</dd>` : ''}
  </dl>
</section>
${sla(model)}
${model.role === 'operator' && (inquiry.status === 'open' || inquiry.status === 'on_hold') ? commands(shell, model) : ''}
${messages(model)}
${events(model)}
${deliveries(shell, model.detail.deliveries)}`;
}

function sla(model: InquiryModel): Html {
  const { inquiry } = model.detail;
  const s = inquiry.sla;
  const waited =
    model.detail.businessWaitedMs === null
      ? D.none
      : inquiry.answeredAt === null && (inquiry.status === 'open' || inquiry.status === 'on_hold')
        ? I.stillWaiting(formatDuration(model.detail.businessWaitedMs))
        : formatDuration(model.detail.businessWaitedMs);
  return html`<section aria-labelledby="h-sla" class="facts-section">
  <h2 id="h-sla">${I.sla}</h2>
  ${s
    ? html`<dl class="facts">
    <dt>${I.policy}</dt><dd>${s.policy}</dd>
    <dt>${I.deadline}</dt><dd>${instant(s.dueAt, I.noDeadline)}${s.breached === true ? html` · <strong class="bad">${I.breached}</strong>` : s.breached === false ? html` · ${I.withinTarget}` : ''}</dd>
    <dt>${I.businessWaited}</dt><dd>${waited}</dd>
  </dl>`
    : html`<p>${I.noPolicy}</p>`}
</section>`;
}

function commands(shell: Shell, model: InquiryModel): Html {
  const C = STRINGS.commands;
  const { inquiry } = model.detail;
  const hidden = html`<input type="hidden" name="csrf" value="${shell.csrf ?? ''}"><input type="hidden" name="return" value="inquiry">`;
  const form = (command: 'hold' | 'resume' | 'resolve', label: string) =>
    html`<form method="post" action="${shell.paths.command(inquiry.id, command)}">${hidden}<button type="submit">${label}</button></form>`;
  return html`<section aria-labelledby="h-commands">
  <h2 id="h-commands">${I.commands}</h2>
  <div class="actions" id="inquiry-commands" role="group" aria-labelledby="h-commands">
    ${inquiry.status === 'open' ? form('hold', C.hold) : form('resume', C.resume)}
    ${form('resolve', C.resolve)}
    <form method="post" action="${shell.paths.command(inquiry.id, 'escalate')}" class="escalate-inline">${hidden}
      <label for="escalate-reason">${C.reason}</label>
      <input id="escalate-reason" name="reason" required maxlength="1000">
      <button type="submit">${C.escalate}</button>
    </form>
  </div>
</section>`;
}

function messages(model: InquiryModel): Html {
  const { messages: list, messagesCut } = model.detail;
  const M = I.messageColumns;
  return html`<section aria-labelledby="h-messages">
  <h2 id="h-messages">${I.messages}</h2>
  ${list.length === 0
    ? html`<p class="empty">${I.noMessages}</p>`
    : html`<div class="table-wrap"><table class="queue messages">
<caption>${I.messagesCaption}</caption>
<thead><tr><th scope="col">${M.time}</th><th scope="col">${M.author}</th><th scope="col">${M.role}</th><th scope="col">${M.text}</th></tr></thead>
<tbody>${list.map(
        (m) => html`<tr class="msg-${m.role}">
  <td data-label="${M.time}">${instant(m.sentAt, D.none)}</td>
  <th scope="row" data-label="${M.author}">${m.author}</th>
  <td data-label="${M.role}">${m.role}</td>
  <td data-label="${M.text}" class="text">${m.text}${m.link ? html` ${outsideLink(m.link, I.link)}` : ''}</td>
</tr>`,
      )}</tbody>
</table></div>`}
  ${messagesCut ? html`<p class="summary">${I.messagesCut(list.length)}</p>` : ''}
</section>`;
}

function events(model: InquiryModel): Html {
  const E = I.eventColumns;
  return html`<section aria-labelledby="h-events">
  <h2 id="h-events">${I.events}</h2>
  <div class="table-wrap"><table class="queue events">
<caption>${I.eventsCaption}</caption>
<thead><tr><th scope="col">${E.time}</th><th scope="col">${E.event}</th><th scope="col">${E.by}</th><th scope="col">${E.why}</th><th scope="col">${E.detail}</th></tr></thead>
<tbody>${model.detail.events.map(
    (e) => html`<tr class="event-${e.type}">
  <td data-label="${E.time}">${instant(e.occurredAt, D.none)}</td>
  <th scope="row" data-label="${E.event}">${I.eventTypes[e.type] ?? e.type}</th>
  <td data-label="${E.by}">${e.actor}</td>
  <td data-label="${E.why}">${e.reason ?? D.none}</td>
  <td data-label="${E.detail}">${eventDetail(e.data)}</td>
</tr>`,
  )}</tbody>
</table></div>
</section>`;
}

/** The few fields of an event's data a person reads (a mark's level and text); never raw JSON. */
function eventDetail(data: Record<string, unknown>): string {
  const words = [data.level, data.text].filter((v): v is string => typeof v === 'string' && v !== '');
  return words.length > 0 ? words.join(' — ') : D.none;
}

/** Deliveries of one inquiry, or of the deliveries page's list: the same columns. */
export function deliveryRows(shell: Shell, rows: readonly DeliveryRow[], options: { inquiryColumn: boolean; replay: boolean }): Html {
  const L = D.listColumns;
  return html`<thead><tr>
  <th scope="col">${L.changed}</th><th scope="col">${L.connector}</th><th scope="col">${L.target}</th><th scope="col">${L.kind}</th>
  ${options.inquiryColumn ? html`<th scope="col">${L.inquiry}</th>` : ''}
  <th scope="col">${L.status}</th><th scope="col">${L.attempts}</th><th scope="col">${L.lastError}</th><th scope="col">${L.nextAttempt}</th>
  ${options.replay ? html`<th scope="col">${L.actions}</th>` : ''}
</tr></thead>
<tbody>${rows.map((d) => {
    const target = typeof d.target.name === 'string' ? d.target.name : '';
    const retrying = d.status === 'pending' && d.attempts > 0;
    return html`<tr id="delivery-${d.id}" data-delivery="${d.id}" data-status="${d.status}" class="${d.status === 'dead' ? 'breached' : retrying ? 'held' : ''}">
  <td data-label="${L.changed}">${instant(d.updated_at, D.none)}</td>
  <th scope="row" data-label="${L.connector}">${d.connector}</th>
  <td data-label="${L.target}">${target || D.none}</td>
  <td data-label="${L.kind}">${d.kind}</td>
  ${options.inquiryColumn ? html`<td data-label="${L.inquiry}">${d.inquiry_id ? html`<a href="${shell.paths.inquiry(d.inquiry_id)}" aria-label="${D.inquiryLinkLabel(d.kind, d.connector)}">${D.inquiryLink}</a>` : D.none}</td>` : ''}
  <td data-label="${L.status}" class="status">${d.status === 'pending' && d.attempts === 0 ? D.queued : (D.status[d.status] ?? d.status)}</td>
  <td data-label="${L.attempts}">${d.attempts}</td>
  <td data-label="${L.lastError}" class="text">${d.last_error ?? D.none}</td>
  <td data-label="${L.nextAttempt}">${d.status === 'pending' ? instant(d.next_attempt_at, D.none) : D.none}</td>
  ${options.replay
    ? html`<td data-label="${L.actions}">${d.status === 'dead'
        ? html`<form method="post" action="${shell.paths.replay}"><input type="hidden" name="csrf" value="${shell.csrf ?? ''}"><input type="hidden" name="id" value="${d.id}"><button type="submit" aria-label="${D.replayOne(d.id)}">${D.replay}</button></form>`
        : ''}</td>`
    : ''}
</tr>`;
  })}</tbody>`;
}

function deliveries(shell: Shell, rows: readonly DeliveryRow[]): Html {
  return html`<section aria-labelledby="h-deliveries">
  <h2 id="h-deliveries">${I.deliveries}</h2>
  ${rows.length === 0
    ? html`<p class="empty">${I.noDeliveries}</p>`
    : html`<div class="table-wrap"><table class="queue deliveries">
<caption>${I.deliveriesCaption}</caption>
${deliveryRows(shell, rows, { inquiryColumn: false, replay: false })}
</table></div>`}
</section>`;
}
