// The policy editor: mark each cell that differs from the version being edited, colour a
// verdict cell by what it now says, and count the changed cells. Without it the form works
// the same; the review page lists every change either way.
(function () {
  "use strict";

  var form = document.querySelector("[data-policy-editor]");
  if (!form) return;
  var counter = document.querySelector("[data-changed-count]");

  function differs(field) {
    if (field.type === "checkbox") return field.checked !== (field.dataset.base === "on");
    return field.value.trim() !== field.dataset.base;
  }

  function holder(field) {
    return field.closest("td, .field, fieldset") || field;
  }

  function refresh() {
    var changed = new Set();
    form.querySelectorAll("[data-base]").forEach(function (field) {
      if (differs(field)) changed.add(holder(field));
    });
    form.querySelectorAll("td, .field, fieldset").forEach(function (cell) {
      cell.classList.toggle("changed", changed.has(cell));
    });
    form.querySelectorAll("td.verdict-cell select").forEach(function (select) {
      var cell = select.closest("td");
      ["P", "L", "N"].forEach(function (v) { cell.classList.toggle("verdict-" + v, select.value === v); });
    });
    if (counter) {
      var n = changed.size;
      counter.textContent = n === 0 ? "" : n + (n === 1 ? " cell changed" : " cells changed") +
        " since version " + (form.dataset.version || "") + "; review to see what it touches.";
    }
  }

  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  refresh();
})();
