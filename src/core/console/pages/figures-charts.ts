import { type DayCount, type HistogramBin } from '../../reporting/report-series';
import { html, type Html } from '../html';
import { STRINGS } from '../strings.en';

const F = STRINGS.figures;

/**
 * A chart is drawn by assets/figures.js from its table's rows (`data-x`, `data-y`), so the
 * chart and the table cannot disagree. Without the script the table, open, is all there is;
 * the script draws the chart and folds the table under its summary.
 */
function chart(id: string, kind: 'days' | 'bins', title: string, label: string, table: Html): Html {
  return html`<section aria-labelledby="h-${id}">
  <h2 id="h-${id}">${title}</h2>
  <figure class="chart-figure">
    <div class="chart" id="chart-${id}" data-chart="${kind}" data-table="table-${id}" role="img" aria-label="${label}"></div>
    <details open class="chart-table"><summary>${F.table}</summary>
    <div class="table-wrap">${table}</div>
    </details>
  </figure>
</section>`;
}

export function dayChart(days: DayCount[]): Html {
  const D = F.dayColumns;
  const table = html`<table class="queue" id="table-breaches">
<caption>${F.breachesCaption}</caption>
<thead><tr><th scope="col">${D.day}</th><th scope="col">${D.breaches}</th></tr></thead>
<tbody>${days.map(
    (d) => html`<tr data-x="${d.start / 1000}" data-y="${d.count}"><th scope="row" data-label="${D.day}"><time datetime="${d.day}">${d.day}</time></th><td data-label="${D.breaches}">${d.count}</td></tr>`,
  )}</tbody>
</table>`;
  return chart('breaches', 'days', F.breachesPerDay, F.breachesChart, table);
}

export function histogramChart(bins: HistogramBin[]): Html {
  const B = F.binColumns;
  const table = html`<table class="queue" id="table-frt-histogram">
<caption>${F.histogramCaption}</caption>
<thead><tr><th scope="col">${B.bin}</th><th scope="col">${B.inquiries}</th></tr></thead>
<tbody>${bins.map(
    (b, i) => html`<tr data-x="${i}" data-y="${b.count}"><th scope="row" data-label="${B.bin}">${F.bin(b.from, b.to)}</th><td data-label="${B.inquiries}">${b.count}</td></tr>`,
  )}</tbody>
</table>`;
  return chart('frt-histogram', 'bins', F.histogram, F.histogramChart, table);
}
