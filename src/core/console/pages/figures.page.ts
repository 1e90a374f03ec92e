import { type DayCount, type HistogramBin } from '../../reporting/report-series';
import { type reportJson } from '../../reporting/report-text';
import { html, type Html } from '../html';
import { STRINGS } from '../strings.en';
import { dayChart, histogramChart } from './figures-charts';
import { layout, type Shell } from './layout';

const F = STRINGS.figures;

/** The named periods offered, as `replywatch report --period` and /slastat spell them. */
export const NAMED_PERIODS = Object.keys(F.periods) as ReadonlyArray<keyof typeof F.periods>;

/** What was asked: a period word, or two dates (inclusive), and the filters. */
export interface FiguresQuery {
  period?: string;
  from?: string;
  to?: string;
  channel?: string;
  policy?: string;
}

export interface FiguresModel {
  query: FiguresQuery;
  choices: { periods: readonly string[]; channels: string[]; policies: string[] };
  /** Why the asked period could not be shown (then there are no figures). */
  error?: string;
  figures?: { report: ReturnType<typeof reportJson>; days: DayCount[]; bins: HistogramBin[] };
}

/** The SLA report of a period as the API, /slastat and the CSV give it, with two charts and their tables. */
export function figuresPage(shell: Shell, model: FiguresModel): Html {
  const figures = model.figures;
  return layout(
    { ...shell, current: 'figures' },
    F.title,
    html`<h1>${F.heading}</h1>
${periodForm(shell, model)}
${model.error !== undefined ? html`<p class="error" role="alert">${F.badPeriod(model.error)}</p>` : ''}
${figures
  ? html`${heading(shell, model.query, figures.report)}
${overview(figures.report)}
${firstResponse(figures.report)}
${dayChart(figures.days)}
${histogramChart(figures.bins)}
${hot(figures.report)}
${responders(figures.report)}`
  : ''}`,
  );
}

/** The query string of the asked period and filters, for the CSV link. */
export function figuresQueryString(query: FiguresQuery): string {
  const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return q.size > 0 ? `?${q.toString()}` : '';
}

function periodForm(shell: Shell, model: FiguresModel): Html {
  const { query, choices } = model;
  const periods = query.period !== undefined && !choices.periods.includes(query.period) ? [...choices.periods, query.period] : choices.periods;
  const label = (p: string) => (p in F.periods ? F.periods[p as keyof typeof F.periods] : p);
  const select = (name: 'channel' | 'policy', text: string, options: readonly string[]) =>
    html`<label>${text} <select name="${name}"><option value="">${F.any}</option>${options.map(
      (o) => html`<option value="${o}"${query[name] === o ? html` selected` : ''}>${o}</option>`,
    )}</select></label>`;
  return html`<form class="filters" method="get" action="${shell.paths.figures}" aria-label="${F.form}">
  <label>${F.period} <select name="period"><option value="">${F.datesBelow}</option>${periods.map(
    (p) => html`<option value="${p}"${query.period === p ? html` selected` : ''}>${label(p)}</option>`,
  )}</select></label>
  <label>${F.from} <input type="date" name="from" value="${query.from ?? ''}"></label>
  <label>${F.to} <input type="date" name="to" value="${query.to ?? ''}"></label>
  ${select('channel', F.channel, choices.channels)}
  ${select('policy', F.policy, choices.policies)}
  <button type="submit">${F.apply}</button>
</form>`;
}

type Report = ReturnType<typeof reportJson>;

function heading(shell: Shell, query: FiguresQuery, r: Report): Html {
  return html`<p class="summary" id="figures-period"><strong>${F.range(r.period, r.timezone)}</strong>.
  ${F.bounds.replace('{from}', r.from).replace('{to}', r.to)}
  <a class="download" href="${shell.paths.figuresCsv}${figuresQueryString(query)}" download aria-label="${F.downloadCsvLabel(r.period)}">${F.downloadCsv}</a></p>`;
}

const minutes = (m: number | null) => (m === null ? F.none : F.minutes(m));

function overview(r: Report): Html {
  const C = F.counts;
  const rows: Array<[string, string, string | number]> = [
    ['inquiries', C.inquiries, r.inquiries],
    ['answered', C.answered, r.answered],
    ['still-open', C.stillOpen, r.stillOpen],
    ['resolved-without-answer', C.resolvedWithoutAnswer, r.resolvedWithoutAnswer],
    ['within-sla', C.withinSla, r.withinSlaPercent === null ? F.none : F.percent(r.withinSlaPercent)],
    ['breaches', C.breaches, r.breaches],
    ['escalated', C.escalated, r.escalatedPercent === null ? r.escalated : `${r.escalated} (${F.percent(r.escalatedPercent)})`],
  ];
  return html`<section aria-labelledby="h-overview">
  <h2 id="h-overview">${F.overview}</h2>
  <div class="table-wrap"><table class="queue figures-overview">
<caption>${F.overviewCaption}</caption>
<tbody>${rows.map(([key, label, value]) => html`<tr data-figure="${key}"><th scope="row">${label}</th><td>${value}</td></tr>`)}</tbody>
</table></div>
</section>`;
}

function firstResponse(r: Report): Html {
  const K = F.frtColumns;
  const row = (key: string, label: string, d: Report['firstResponseBusinessMinutes']) =>
    html`<tr data-frt="${key}"><th scope="row" data-label="${K.kind}">${label}</th><td data-label="${K.average}">${minutes(d.average)}</td><td data-label="${K.median}">${minutes(d.median)}</td><td data-label="${K.p90}">${minutes(d.p90)}</td></tr>`;
  return html`<section aria-labelledby="h-frt">
  <h2 id="h-frt">${F.frt}</h2>
  <div class="table-wrap"><table class="queue">
<caption>${F.frtCaption}</caption>
<thead><tr><th scope="col">${K.kind}</th><th scope="col">${K.average}</th><th scope="col">${K.median}</th><th scope="col">${K.p90}</th></tr></thead>
<tbody>${row('business', F.business, r.firstResponseBusinessMinutes)}${row('calendar', F.calendar, r.firstResponseCalendarMinutes)}</tbody>
</table></div>
</section>`;
}

function hot(r: Report): Html {
  const H = F.hotColumns;
  return html`<section aria-labelledby="h-hot">
  <h2 id="h-hot">${F.hot}</h2>
  ${r.hotConversations.length === 0
    ? html`<p class="empty">${F.noHot}</p>`
    : html`<div class="table-wrap"><table class="queue hot">
<caption>${F.hotCaption}</caption>
<thead><tr><th scope="col">${H.conversation}</th><th scope="col">${H.channel}</th><th scope="col">${H.inquiries}</th><th scope="col">${H.breaches}</th><th scope="col">${H.slowest}</th><th scope="col">${H.tickets}</th></tr></thead>
<tbody>${r.hotConversations.map(
        (h) => html`<tr data-conversation="${h.conversation}">
  <th scope="row" data-label="${H.conversation}"><span class="title">${h.title ?? h.conversation}</span><span class="sub">${h.conversation}</span></th>
  <td data-label="${H.channel}">${h.channel}</td>
  <td data-label="${H.inquiries}">${h.inquiries}</td>
  <td data-label="${H.breaches}">${h.breaches}</td>
  <td data-label="${H.slowest}">${minutes(h.slowestBusinessMinutes)}</td>
  <td data-label="${H.tickets}">${h.tickets?.join(', ') ?? F.none}</td>
</tr>`,
      )}</tbody>
</table></div>`}
</section>`;
}

function responders(r: Report): Html {
  const R = F.responderColumns;
  return html`<section aria-labelledby="h-responders">
  <h2 id="h-responders">${F.responders}</h2>
  ${r.responders.length === 0
    ? html`<p class="empty">${F.noResponders}</p>`
    : html`<div class="table-wrap"><table class="queue responders">
<caption>${F.respondersCaption}</caption>
<thead><tr><th scope="col">${R.responder}</th><th scope="col">${R.answered}</th><th scope="col">${R.median}</th></tr></thead>
<tbody>${r.responders.map(
        (p) => html`<tr data-responder="${p.responder}"><th scope="row" data-label="${R.responder}">${p.responder}</th><td data-label="${R.answered}">${p.answered}</td><td data-label="${R.median}">${minutes(p.medianBusinessMinutes)}</td></tr>`,
      )}</tbody>
</table></div>`}
</section>`;
}
