// The charts of the time-spent and surge pages, from the JSON each page carries (also shown
// as a table beside the chart).
document.addEventListener("DOMContentLoaded", function () {
  if (!window.Chart) return;
  var styles = getComputedStyle(document.documentElement);
  var fg = styles.getPropertyValue("--fg").trim(), line = styles.getPropertyValue("--line").trim();
  var palette = ["#0a58a8", "#b3261e", "#8a5300", "#1b6e3a", "#6a3fa0"];
  [["time-chart", "time-data", "hours"], ["surge-chart", "surge-data", "cases"]].forEach(function (ids) {
    var canvas = document.getElementById(ids[0]), data = document.getElementById(ids[1]);
    if (!canvas || !data) return;
    var chart = JSON.parse(data.textContent);
    chart.datasets.forEach(function (set, i) {
      set.backgroundColor = palette[i % palette.length];
      set.borderColor = palette[i % palette.length];
    });
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: chart.labels, datasets: chart.datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: {
          x: { ticks: { color: fg }, grid: { color: line } },
          y: { beginAtZero: true, ticks: { color: fg }, grid: { color: line },
               title: { display: true, text: ids[2], color: fg } },
        },
        plugins: { legend: { labels: { color: fg } } },
      },
    });
  });
});
