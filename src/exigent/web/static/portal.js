// The request form: one submission per click, however impatient the night.
(function () {
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("[data-submit]");
    if (!button) return;
    if (button.dataset.sent) { event.preventDefault(); return; }
    button.dataset.sent = "1";
    button.setAttribute("aria-disabled", "true");
    button.textContent = "Sending…";
  });
})();
