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
    // A file over the upload limit is taken off before sending, so the form (an emergency
    // above all) still goes; the officer is told which file to send another way.
    Alpine.data("documentsField", function () {
      return {
        refused: "",
        chosen: function (event) {
          var input = event.target;
          var limit = Number(input.dataset.maxBytes) || 0;
          var tooLarge = limit ? Array.prototype.filter.call(input.files, function (f) {
            return f.size > limit;
          }) : [];
          this.refused = "";
          if (tooLarge.length) {
            var mb = Math.round(limit / 1048576);
            this.refused = tooLarge.map(function (f) { return f.name; }).join(", ") +
              (tooLarge.length > 1 ? " are" : " is") + " larger than the " + mb +
              " MB limit and will not be sent. The rest of the form still goes; " +
              "send the file later from the request's page or by email.";
            var kept = new DataTransfer();
            Array.prototype.forEach.call(input.files, function (f) {
              if (f.size <= limit) kept.items.add(f);
            });
            input.files = kept.files;
          }
          var count = this.$refs.count;
          count.value = String(input.files.length);
          count.dispatchEvent(new Event("change", { bubbles: true }));
        },
      };
    });
  });
})();
