// Replywatch console, figures page: draws each chart with uPlot from its own table's rows, so
// chart and table cannot disagree. Without this script (or uPlot) the tables are the figures.
(function () {
  'use strict';

  if (typeof uPlot === 'undefined') return;
  var HEIGHT = 220;
  var accent = getComputedStyle(document.documentElement).getPropertyValue('--accent').trim() || '#0550ae';

  function rowsOf(table) {
    var rows = table.querySelectorAll('tbody tr[data-y]');
    var labels = [];
    var ys = [];
    for (var i = 0; i < rows.length; i++) {
      var head = rows[i].querySelector('th');
      labels.push(head ? head.textContent.trim() : String(i));
      ys.push(Number(rows[i].getAttribute('data-y')));
    }
    return { labels: labels, ys: ys };
  }

  // Bars at 0..n-1, labelled with the table's row headers, as many as fit side by side.
  function draw(box) {
    var table = document.getElementById(box.getAttribute('data-table'));
    if (!table) return;
    var data = rowsOf(table);
    var n = data.ys.length;
    if (n === 0) return;
    var xs = data.ys.map(function (_, i) {
      return i;
    });
    var width = Math.max(200, box.clientWidth);
    var perLabel = box.getAttribute('data-chart') === 'days' ? 90 : 70;
    var options = {
      width: width,
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false, range: [-0.5, n - 0.5] },
        y: {
          range: function (u, min, max) {
            return [0, Math.max(1, max)];
          },
        },
      },
      axes: [
        {
          splits: function () {
            var step = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(width / perLabel))));
            return xs.filter(function (i) {
              return i % step === 0;
            });
          },
          values: function (u, splits) {
            return splits.map(function (i) {
              return data.labels[i] || '';
            });
          },
          grid: { show: false },
        },
        { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000], values: function (u, splits) {
          return splits.map(String);
        } },
      ],
      series: [{}, { label: box.getAttribute('aria-label'), stroke: accent, fill: accent, width: 0, paths: uPlot.paths.bars({ size: [0.7, 60] }), points: { show: false } }],
    };
    var plot = new uPlot(options, [xs, data.ys], box);
    box.classList.add('drawn');
    // The chart carries the figures now; the table stays one click away under its summary.
    var details = box.parentNode.querySelector('details.chart-table');
    if (details) details.open = false;
    window.addEventListener('resize', function () {
      var w = Math.max(200, box.clientWidth);
      if (w !== width) {
        width = w;
        plot.setSize({ width: w, height: HEIGHT });
      }
    });
  }

  var boxes = document.querySelectorAll('[data-chart]');
  for (var i = 0; i < boxes.length; i++) draw(boxes[i]);
})();
