// The analytics charts: each canvas is drawn from the JSON beside it (the same figures as the
// table under it), in the page's colours; percentages keep a 0-100 axis.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.Chart) return;
  var styles = getComputedStyle(document.documentElement);
  var fg = styles.getPropertyValue("--fg").trim(), line = styles.getPropertyValue("--line").trim();
  var palette = ["#0a58a8", "#b3261e", "#8a5300", "#1b6e3a", "#6a3fa0", "#505862", "#00838f",
                 "#c2185b", "#5d4037", "#33691e"];
  document.querySelectorAll("script[data-chart-for]").forEach(function (data) {
    var canvas = document.getElementById(data.getAttribute("data-chart-for"));
    if (!canvas) return;
    var chart = JSON.parse(data.textContent);
    chart.datasets.forEach(function (set, i) {
      set.backgroundColor = palette[i % palette.length];
      set.borderColor = palette[i % palette.length];
    });
    var value = { stacked: !!chart.stacked, beginAtZero: true, grid: { color: line },
                  ticks: { color: fg, precision: chart.unit ? undefined : 0 } };
    if (chart.percent) { value.max = 100; value.title = { display: true, text: "%", color: fg }; }
    if (chart.unit) { value.title = { display: true, text: chart.unit, color: fg }; }
    var category = { stacked: !!chart.stacked, ticks: { color: fg }, grid: { color: line } };
    // Long labels (signal names) read better as rows than as slanted column captions.
    var across = !!chart.horizontal;
    new window.Chart(canvas, {
      type: data.getAttribute("data-chart-type") || "bar",
      data: { labels: chart.labels, datasets: chart.datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        indexAxis: across ? "y" : "x",
        scales: across ? { x: value, y: category } : { x: category, y: value },
        plugins: { legend: { labels: { color: fg, boxWidth: 12 } } },
      },
    });
  });
});
