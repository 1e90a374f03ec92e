import { html, type Html } from '../html';
import { type CalendarView, type LocalInterval, type RunbookModel } from '../runbook-view';
import { type WhatIfOutcome, type WhatIfQuery } from '../runbook-what-if';
import { STRINGS } from '../strings.en';
import { layout, type Shell } from './layout';
import { instant } from './parts';
import { whatIfSection } from './runbook-what-if.page';

const R = STRINGS.runbook;

export interface RunbookPageModel extends RunbookModel {
  query: WhatIfQuery;
  outcome: WhatIfOutcome | undefined;
}

/** The rules in force: the last reload, policies, calendars with their next working time, duty targets, and the what-if. */
export function runbookPage(shell: Shell, model: RunbookPageModel): Html {
  return layout(
    { ...shell, current: 'runbook' },
    R.title,
    html`<h1>${R.heading}</h1>
<p>${R.intro}</p>
<dl class="facts"><dt>${R.source}</dt><dd>${R.sources[model.source.kind] ?? model.source.kind}${model.source.kind === 'file' ? html` (<code>${model.source.file}</code>)` : ''}</dd></dl>
${reload(model)}
${policies(model)}
${calendars(model.calendars)}
${duty(model)}
${whatIfSection(shell, model)}`,
  );
}

function reload(model: RunbookModel): Html {
  const last = model.reload;
  const C = R.reloadColumns;
  return html`<section aria-labelledby="h-reload" id="reload">
  <h2 id="h-reload">${R.reload}</h2>
  ${!last
    ? html`<p>${R.noReload}</p>`
    : html`<dl class="facts">
  <dt>${R.reloadAt}</dt><dd>${instant(last.at, R.none)}</dd>
  <dt>${R.reloadTrigger}</dt><dd>${last.trigger}</dd>
  <dt>${R.reloadOutcome}</dt><dd class="${last.ok ? '' : 'bad'}">${last.ok ? R.reloadOk : R.reloadFailed}</dd>
</dl>
${last.ok
  ? ''
  : html`<div role="alert" class="error reload-error">${last.detail ?? ''}${last.problems.length > 0
      ? html`<div class="table-wrap"><table class="queue problems">
<caption>${R.reloadCaption}</caption>
<thead><tr><th scope="col">${C.where}</th><th scope="col">${C.key}</th><th scope="col">${C.problem}</th></tr></thead>
<tbody>${last.problems.map(
          (p) => html`<tr><th scope="row" data-label="${C.where}">${p.line === undefined ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`}</th>
<td data-label="${C.key}"><code>${p.path || R.none}</code></td><td data-label="${C.problem}" class="text">${p.message}</td></tr>`,
        )}</tbody></table></div>`
      : ''}</div>`}`}
</section>`;
}

function policies(model: RunbookModel): Html {
  const C = R.policyColumns;
  const list = (items: string[]) => html`<ul class="plain">${items.map((i) => html`<li>${i}</li>`)}</ul>`;
  return html`<section aria-labelledby="h-policies">
  <h2 id="h-policies">${R.policies}</h2>
  ${model.policies.length === 0
    ? html`<p class="empty">${R.noPolicies}</p>`
    : html`<p>${R.policiesIntro}</p><div class="table-wrap"><table class="queue policies">
<caption>${R.policiesCaption}</caption>
<thead><tr><th scope="col">${C.name}</th><th scope="col">${C.match}</th><th scope="col">${C.target}</th><th scope="col">${C.calendar}</th><th scope="col">${C.marks}</th><th scope="col">${C.escalation}</th><th scope="col">${C.cooldown}</th></tr></thead>
<tbody>${model.policies.map(
        (p) => html`<tr data-policy="${p.name}">
  <th scope="row" data-label="${C.name}">${p.name}</th>
  <td data-label="${C.match}">${list(p.match)}</td>
  <td data-label="${C.target}">${p.target}</td>
  <td data-label="${C.calendar}">${p.calendar}</td>
  <td data-label="${C.marks}" class="marks">${list(p.marks)}</td>
  <td data-label="${C.escalation}">${p.escalation.length > 0 ? list(p.escalation) : R.noEscalation}</td>
  <td data-label="${C.cooldown}">${p.cooldown}</td>
</tr>`,
      )}</tbody></table></div>`}
</section>`;
}

function calendars(list: CalendarView[]): Html {
  const C = R.calendarColumns;
  return html`<section aria-labelledby="h-calendars">
  <h2 id="h-calendars">${R.calendars}</h2>
  ${list.length === 0
    ? html`<p class="empty">${R.noCalendars}</p>`
    : html`<div class="table-wrap"><table class="queue calendars">
<caption>${R.calendarsCaption}</caption>
<thead><tr><th scope="col">${C.name}</th><th scope="col">${C.zone}</th><th scope="col">${C.hours}</th><th scope="col">${C.holidays}</th><th scope="col">${C.next}</th></tr></thead>
<tbody>${list.map(
        (c) => html`<tr data-calendar="${c.name}">
  <th scope="row" data-label="${C.name}">${c.name}</th>
  <td data-label="${C.zone}">${c.zone}</td>
  <td data-label="${C.hours}"><ul class="plain">${c.hours.map((h) => html`<li>${h}</li>`)}</ul></td>
  <td data-label="${C.holidays}"><ul class="plain">${c.holidays.map((h) => html`<li>${h}</li>`)}</ul></td>
  <td data-label="${C.next}">${c.next.length > 0 ? html`<ol class="plain next-intervals">${c.next.map(interval)}</ol>` : R.noWorkingTime}</td>
</tr>`,
      )}</tbody></table></div>`}
</section>`;
}

function interval(i: LocalInterval): Html {
  return html`<li><time datetime="${new Date(i.from).toISOString()}">${i.text}</time></li>`;
}

function duty(model: RunbookModel): Html {
  const C = R.dutyColumns;
  return html`<section aria-labelledby="h-duty">
  <h2 id="h-duty">${R.duty}</h2>
  ${model.duty.length === 0
    ? html`<p class="empty">${R.noDuty}</p>`
    : html`<div class="table-wrap"><table class="queue duty">
<caption>${R.dutyCaption}</caption>
<thead><tr><th scope="col">${C.name}</th><th scope="col">${C.connector}</th><th scope="col">${C.to}</th></tr></thead>
<tbody>${model.duty.map(
        (d) => html`<tr data-target="${d.name}"><th scope="row" data-label="${C.name}">${d.name}</th><td data-label="${C.connector}">${d.connector}</td><td data-label="${C.to}" class="text">${d.to || R.none}</td></tr>`,
      )}</tbody></table></div>`}
</section>`;
}
