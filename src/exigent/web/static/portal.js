// The portal's forms: one submission per click, however impatient the night; more account
// rows on demand; the number of chosen files for the "before you send" panel. The Alpine
// components are registered here because the CSP build of Alpine evaluates no inline code.
(function () {
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("[data-submit]");
    if (!button) return;
    if (button.dataset.sent) { event.preventDefault(); return; }
    button.dataset.sent = "1";
    button.setAttribute("aria-disabled", "true");
    button.textContent = "Sending…";
  });

  document.addEventListener("alpine:init", function () {
    var Alpine = window.Alpine;

    // Rows after the ones the server rendered, numbered on from them; a new row takes focus.
    Alpine.data("targetRows", function () {
      return {
        rendered: 1,
        added: [],
        init: function () {
          this.rendered = Number(this.$el.dataset.rendered) || 1;
        },
        add: function () {
          var number = this.rendered + this.added.length + 1;
          this.added.push({
            number: number,
            typeId: "target_type-n" + number,
            valueId: "target_value-n" + number,
            typeLabel: "Type of account " + number,
            valueLabel: "Account " + number,
          });
          this.$nextTick(function () {
            var input = document.getElementById("target_value-n" + number);
            if (input) input.focus();
          });
        },
      };
    });

    // The file input itself is left out of the live check; the count stands in for it.
    Alpine.data("documentsField", function () {
      return {
        chosen: function (event) {
          var count = this.$refs.count;
          count.value = String(event.target.files.length);
          count.dispatchEvent(new Event("change", { bubbles: true }));
        },
      };
    });
  });
})();
