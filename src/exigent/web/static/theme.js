// Runs before the page paints so a dark-theme user never sees a white flash at 3 a.m.
(function () {
  var saved = localStorage.getItem("exigent-theme");
  if (saved === "light" || saved === "dark") document.documentElement.dataset.theme = saved;
})();
