import { html, type Html } from '../html';
import { type RunbookModel } from '../runbook-view';
import { type WhatIfOutcome, type WhatIfQuery, type WhatIfResult, type LocalInstant } from '../runbook-what-if';
import { STRINGS } from '../strings.en';
import { type Shell } from './layout';

const R = STRINGS.runbook;

/** The what-if form (a GET: viewers may use it, nothing changes) and its answer. */
export function whatIfSection(shell: Shell, model: RunbookModel & { query: WhatIfQuery; outcome: WhatIfOutcome | undefined }): Html {
  const { query, outcome } = model;
  const select = (name: 'policy' | 'calendar', label: string, options: string[]) =>
    html`<label>${label} <select name="${name}"><option value="">${R.none}</option>${options.map(
      (o) => html`<option value="${o}"${query[name] === o ? html` selected` : ''}>${o}</option>`,
    )}</select></label>`;
  return html`<section aria-labelledby="h-what-if" id="what-if">
  <h2 id="h-what-if">${R.whatIf}</h2>
  <p>${R.whatIfIntro}</p>
  <form class="filters what-if" method="get" action="${shell.paths.runbook}#what-if" aria-label="${R.whatIfForm}">
    ${select('policy', R.policy, model.names.policies)}
    ${select('calendar', R.calendar, model.names.calendars)}
    <label>${R.from} <input type="datetime-local" name="from" step="60" value="${localInput(query.from)}"></label>
    <label>${R.minutes} <input type="number" name="minutes" min="0" max="525600" step="any" inputmode="decimal" value="${query.minutes ?? ''}"></label>
    <button type="submit">${R.compute}</button>
  </form>
  ${outcome === undefined ? '' : outcome.ok ? answer(outcome.result) : html`<p class="error what-if-error" role="alert">${outcome.error}</p>`}
</section>`;
}

function answer(result: WhatIfResult): Html {
  const I = R.intervalColumns;
  const P = R.pointColumns;
  return html`<div class="what-if-result">
<h3>${R.answer}</h3>
<dl class="facts">
  ${result.policy ? html`<dt>${R.policy}</dt><dd>${result.policy}</dd>` : ''}
  <dt>${R.calendar}</dt><dd>${result.calendar} (${result.zone})</dd>
  <dt>${R.starts}</dt><dd>${local(result.start)}</dd>
  <dt>${R.businessMinutes}</dt><dd>${result.minutes}</dd>
  <dt>${R.dueIn(result.zone)}</dt><dd class="due">${local(result.due)}</dd>
</dl>
${result.points.length > 0
  ? html`<div class="table-wrap"><table class="queue points">
<caption>${R.pointsCaption}</caption>
<thead><tr><th scope="col">${P.point}</th><th scope="col">${P.offset}</th><th scope="col">${P.at}</th></tr></thead>
<tbody>${result.points.map((p) => html`<tr><th scope="row" data-label="${P.point}">${p.label}</th><td data-label="${P.offset}">${p.offset}</td><td data-label="${P.at}">${local(p.at)}</td></tr>`)}</tbody>
</table></div>`
  : ''}
<div class="table-wrap"><table class="queue intervals">
<caption>${R.intervalsCaption}</caption>
<thead><tr><th scope="col">${I.from}</th><th scope="col">${I.to}</th><th scope="col">${I.minutes}</th></tr></thead>
<tbody>${result.intervals.map((i) => html`<tr><th scope="row" data-label="${I.from}">${local(i.from)}</th><td data-label="${I.to}">${local(i.to)}</td><td data-label="${I.minutes}">${i.minutes}</td></tr>`)}</tbody>
</table></div>
</div>`;
}

function local(instant: LocalInstant): Html {
  return html`<time datetime="${new Date(instant.at).toISOString()}">${instant.local}</time>`;
}

/** A datetime-local field takes `YYYY-MM-DDTHH:mm`; anything else (an instant with offset) is left for the user to see in the answer. */
function localInput(from: string | undefined): string {
  return from !== undefined && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(from) ? from : '';
}
