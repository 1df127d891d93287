// The team exposure chart: stacked bars from the JSON the page carries (also shown as a table).
document.addEventListener("DOMContentLoaded", function () {
  var canvas = document.getElementById("exposure-chart");
  var data = document.getElementById("exposure-data");
  if (!canvas || !data || !window.Chart) return;
  var styles = getComputedStyle(document.documentElement);
  var fg = styles.getPropertyValue("--fg").trim(), line = styles.getPropertyValue("--line").trim();
  var palette = ["#0a58a8", "#b3261e", "#8a5300", "#1b6e3a", "#6a3fa0", "#505862", "#00838f"];
  var chart = JSON.parse(data.textContent);
  chart.datasets.forEach(function (set, i) { set.backgroundColor = palette[i % palette.length]; });
  new window.Chart(canvas, {
    type: "bar",
    data: chart,
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: {
        x: { stacked: true, ticks: { color: fg }, grid: { color: line } },
        y: { stacked: true, ticks: { color: fg }, grid: { color: line },
             title: { display: true, text: "minutes", color: fg } },
      },
      plugins: { legend: { labels: { color: fg } } },
    },
  });
});
