// Behaviour shared by every page: theme switch, CSRF header on htmx requests, refusals shown
// in their panel, a done action's sentence in view, the error page's back link. Pages run no
// inline script: it all lives here.
(function () {
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : null;
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) event.detail.headers["X-CSRF-Token"] = token;
  });

  // The theme follows the system until someone picks one; the toggle goes round
  // follow the system → the other theme → the system's theme, pinned → follow the system.
  var THEME_LABEL = { auto: "follow the system", light: "light", dark: "dark" };
  var THEME_GLYPH = { auto: "\u25D0", light: "\u2600", dark: "\u263E" };

  function systemTheme() {
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function chosenTheme() {
    var set = document.documentElement.dataset.theme;
    return set === "light" || set === "dark" ? set : "auto";
  }

  function nextTheme(chosen) {
    var system = systemTheme();
    var other = system === "dark" ? "light" : "dark";
    if (chosen === "auto") return other;
    if (chosen === other) return system;
    return "auto";
  }

  function showTheme() {
    var chosen = chosenTheme();
    var label = "Theme: " + THEME_LABEL[chosen] + ". Switch to " + THEME_LABEL[nextTheme(chosen)];
    document.querySelectorAll("[data-theme-toggle]").forEach(function (button) {
      button.textContent = THEME_GLYPH[chosen];
      button.setAttribute("aria-label", label);
      button.title = label;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-theme-toggle]");
    if (!button) return;
    var next = nextTheme(chosenTheme());
    document.documentElement.dataset.theme = next;
    if (next === "auto") localStorage.removeItem("exigent-theme");
    else localStorage.setItem("exigent-theme", next);
    showTheme();
  });
  document.addEventListener("DOMContentLoaded", showTheme);

  // A panel marked data-swap-refusals shows a refusal (4xx) in place, as the server rendered
  // it, instead of htmx dropping the answer.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status < 400 || status >= 500) return;
    var target = event.detail.target;
    if (!target || !target.closest || !target.closest("[data-swap-refusals]")) return;
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  });

  // Post/Redirect/Get (web/actions.py). The sticky top bar's height is what a panel opened by
  // its #id keeps clear above it (app.css); a done action's sentence is brought into view and
  // focused, so a screen reader reads it, and `done`/`at` leave the address, so a reload does
  // not say it again.
  function keepClearOfTopbar() {
    var topbar = document.querySelector(".topbar");
    if (!topbar) return;
    document.documentElement.style.setProperty("--topbar-height", topbar.offsetHeight + "px");
  }

  function showDone() {
    keepClearOfTopbar();
    var note = document.querySelector("[data-done]");
    var url = new URL(window.location.href);
    if (url.searchParams.has("done") || url.searchParams.has("at")) {
      url.searchParams.delete("done");
      url.searchParams.delete("at");
      window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
    }
    if (!note) return;
    note.setAttribute("data-done-shown", "");
    var panel = note.closest("[id]") || note;
    panel.scrollIntoView({ block: "start" });
    note.focus({ preventScroll: true });
  }

  // A panel answered in place by htmx (production, notices) says what was done at its top,
  // which may be above the button pressed: bring the sentence into view if it is not.
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("[data-done]:not([data-done-shown])").forEach(function (note) {
      note.setAttribute("data-done-shown", "");
      var box = note.getBoundingClientRect();
      var topbar = document.querySelector(".topbar");
      var clear = topbar ? topbar.offsetHeight : 0;
      if (box.top < clear || box.bottom > window.innerHeight) note.scrollIntoView({ block: "center" });
    });
  });

  // On load, after the browser's own move to the #panel, which would take the focus back.
  window.addEventListener("load", showDone);
  window.addEventListener("resize", keepClearOfTopbar);

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-back]");
    if (!link || window.history.length < 2) return;
    event.preventDefault();
    window.history.back();
  });
})();
