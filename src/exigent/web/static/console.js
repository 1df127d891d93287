// The console: SLA countdowns, keyboard navigation of the queue, and the content viewer.
(function () {
  "use strict";

  // --- SLA countdowns: amber from 80 % of the clock, red at breach, always said in words.
  function span(ms) {
    var s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600);
    var m = Math.floor((s % 3600) / 60), sec = s % 60;
    if (d) return d + "d " + h + "h";
    if (h) return h + "h " + (m < 10 ? "0" : "") + m + "m";
    return m + "m " + (sec < 10 ? "0" : "") + sec + "s";
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-clock]").forEach(function (el) {
      var start = Date.parse(el.dataset.start), due = Date.parse(el.dataset.due);
      var left = due - now, fraction = (now - start) / Math.max(due - start, 1);
      var state = left <= 0 ? "breached" : fraction >= 0.8 ? "warning" : "ok";
      var label = el.dataset.label || "";
      var text = state === "breached" ? "Overdue " + span(left) + " (" + label + ")"
        : state === "warning" ? "Due soon: " + span(left) + " " + label
        : span(left) + " " + label;
      el.dataset.state = state;
      el.className = "clock clock-" + state;
      var target = el.querySelector("[data-text]") || el;
      if (target.textContent !== text) target.textContent = text;
      el.title = "Due " + new Date(due).toLocaleString();
    });
  }

  // --- Queue keyboard: j/k move, Enter opens, / finds a case, ? shows the keys.
  var selectedId = sessionStorage.getItem("exigent-queue-selected");

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#queue-body tr[data-case-id]"));
  }

  function select(row, scroll) {
    rows().forEach(function (r) {
      r.classList.remove("selected");
      r.removeAttribute("aria-selected");
    });
    if (!row) return;
    row.classList.add("selected");
    row.setAttribute("aria-selected", "true");
    selectedId = row.dataset.caseId;
    sessionStorage.setItem("exigent-queue-selected", selectedId);
    if (scroll) row.scrollIntoView({ block: "nearest" });
  }

  function restoreSelection() {
    var all = rows();
    if (!all.length) return;
    var row = all.find(function (r) { return r.dataset.caseId === selectedId; });
    select(row || null, false);
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var dialog = document.getElementById("keys");
    if (typing(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    if (event.key === "?") {
      if (dialog && dialog.showModal) { dialog.showModal(); event.preventDefault(); }
      return;
    }
    if (event.key === "/") {
      var find = document.querySelector("[data-find]");
      if (find) { find.focus(); event.preventDefault(); }
      return;
    }
    var all = rows();
    if (!all.length) return;
    var index = all.findIndex(function (r) { return r.classList.contains("selected"); });
    if (event.key === "j") {
      select(all[Math.min(index + 1, all.length - 1)], true);
      event.preventDefault();
    } else if (event.key === "k") {
      select(all[Math.max(index - 1, 0)], true);
      event.preventDefault();
    } else if (event.key === "Enter" && index >= 0) {
      window.location.href = all[index].dataset.href;
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-show-keys]")) {
      var dialog = document.getElementById("keys");
      if (dialog && dialog.showModal) dialog.showModal();
      return;
    }
    var row = event.target.closest("#queue-body tr[data-case-id]");
    if (row && !event.target.closest("a")) select(row, false);
  });

  // The 30-second refresh replaces the rows; keep the selection on the same case.
  document.addEventListener("htmx:afterSwap", function () { restoreSelection(); tick(); });

  // --- Content viewer: blurred, greyscale, muted until revealed; the seconds are reported.
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function hide(item, viaBeacon) {
    var id = item.dataset.exposureId;
    if (!id) return;
    var seconds = (performance.now() - Number(item.dataset.revealedAt)) / 1000;
    var body = new FormData();
    body.append("seconds", seconds.toFixed(1));
    body.append("csrf_token", csrf());
    var url = "/wellbeing/reveals/" + id + "/hide";
    if (viaBeacon && navigator.sendBeacon) navigator.sendBeacon(url, body);
    else fetch(url, { method: "POST", body: body, credentials: "same-origin" });
    delete item.dataset.exposureId;
    item.classList.remove("revealed");
    var media = item.querySelector("video, audio");
    if (media) { media.muted = true; media.pause(); }
    var button = item.querySelector("[data-reveal]");
    button.textContent = "Reveal";
    button.setAttribute("aria-pressed", "false");
    var status = item.querySelector("[data-exposure-status]");
    if (status) status.textContent = "Hidden. " + Math.round(seconds) + " s recorded as exposure.";
  }

  function reveal(item) {
    var body = new FormData();
    body.append("document_id", item.dataset.documentId);
    body.append("csrf_token", csrf());
    var button = item.querySelector("[data-reveal]");
    button.disabled = true;
    fetch("/wellbeing/reveals", { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("reveal refused (" + response.status + ")");
        return response.json();
      })
      .then(function (data) {
        item.dataset.exposureId = data.id;
        item.dataset.revealedAt = String(performance.now());
        item.classList.add("revealed");
        var media = item.querySelector("video, audio");
        if (media) media.muted = false;
        button.textContent = "Hide";
        button.setAttribute("aria-pressed", "true");
        var status = item.querySelector("[data-exposure-status]");
        if (status) status.textContent = "Revealed; time is counted as exposure until you hide it.";
      })
      .catch(function (error) {
        var status = item.querySelector("[data-exposure-status]");
        if (status) status.textContent = "Could not reveal: " + error.message + ". Reload the page.";
      })
      .finally(function () { button.disabled = false; });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-reveal]");
    if (!button) return;
    var item = button.closest("[data-viewer-item]");
    if (item.dataset.exposureId) hide(item, false);
    else reveal(item);
  });

  function hideAll() {
    document.querySelectorAll("[data-viewer-item][data-exposure-id]").forEach(function (item) {
      hide(item, true);
    });
  }
  window.addEventListener("pagehide", hideAll);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") hideAll();
  });

  document.addEventListener("DOMContentLoaded", function () {
    restoreSelection();
    tick();
    setInterval(tick, 1000);
  });
})();
