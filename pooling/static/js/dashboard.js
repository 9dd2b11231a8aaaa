// Draws the dashboard's charts from their canvas's data-chart attribute (the tables beside
// them hold the same numbers); without JavaScript the tables remain.
(function () {
  "use strict";

  var COLOURS = ["#1f5ea8", "#d9822b", "#2e8540", "#8e44ad", "#c0392b", "#7f8c8d"];

  function draw(canvas) {
    var spec;
    try {
      spec = JSON.parse(canvas.getAttribute("data-chart"));
    } catch (error) {
      return;
    }
    var datasets = spec.series.map(function (series, index) {
      return {
        label: series.label,
        data: series.data.map(function (value) { return value === null ? null : Number(value); }),
        backgroundColor: COLOURS[index % COLOURS.length],
        borderColor: COLOURS[index % COLOURS.length],
        fill: false,
        tension: 0.2,
      };
    });
    var valueAxis = { beginAtZero: true };
    if (spec.max) { valueAxis.suggestedMax = spec.max; }
    var horizontal = Boolean(spec.horizontal);
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        scales: horizontal ? { x: valueAxis } : { y: valueAxis },
        plugins: { legend: { display: datasets.length > 1 } },
      },
    });
  }

  function start() {
    if (!window.Chart) { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
