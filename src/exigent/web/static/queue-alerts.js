// The queue's alerts for new emergencies: the count in the tab's title, a banner naming the
// emergencies that arrived since the last refresh, and (when switched on) a tone.
//
// "New" is the server's word: an emergency nobody has acknowledged yet (the band above the
// queue). What this tab has already shown is kept in sessionStorage, so coming back from a
// case does not sound again for the same emergencies; the first look in a tab only shows the
// band, since nothing "arrived" for it yet.
(function () {
  "use strict";

  var SEEN = "exigent-new-emergencies-seen";
  var SOUND = "exigent-alert-sound";
  var baseTitle = document.title.replace(/^\(\d+\)\s*/, "");
  var audio = null;

  function newIds() {
    return Array.prototype.map.call(document.querySelectorAll("[data-new-p0]"), function (el) {
      return el.dataset.newP0;
    });
  }

  function soundOn() {
    return localStorage.getItem(SOUND) === "on";
  }

  // The browser lets a page make sound only after a click or key: switching the toggle on is
  // that gesture, and any later click or key wakes a context that started asleep.
  function context() {
    if (!audio) {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return null;
      audio = new Context();
    }
    if (audio.state === "suspended") audio.resume();
    return audio;
  }

  function tone() {
    var ctx = context();
    if (!ctx) return false;
    var start = ctx.currentTime + 0.02;
    // Two short rising beeps: distinct from a chat ping, not a siren at 3 a.m.
    [[0, 660], [0.28, 880]].forEach(function (beep) {
      var oscillator = ctx.createOscillator();
      var gain = ctx.createGain();
      var at = start + beep[0];
      oscillator.type = "sine";
      oscillator.frequency.value = beep[1];
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.22);
      oscillator.connect(gain);
      gain.connect(ctx.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.24);
    });
    var toggle = document.querySelector("[data-alert-sound]");
    if (toggle) toggle.dataset.tones = String(Number(toggle.dataset.tones || 0) + 1);
    return ctx.state === "running";
  }

  function showToggle() {
    var toggle = document.querySelector("[data-alert-sound]");
    if (!toggle) return;
    toggle.setAttribute("aria-pressed", soundOn() ? "true" : "false");
    toggle.querySelector("[data-sound-state]").textContent = soundOn() ? "on" : "off";
  }

  function announce(arrived) {
    var box = document.querySelector("[data-emergency-alert]");
    if (!box) return;
    var items = arrived.map(function (id) {
      return document.querySelector('[data-new-p0="' + id + '"]');
    }).filter(Boolean);
    box.textContent = "";
    var text = document.createElement("strong");
    text.textContent = items.length === 1 ? "New emergency: " : items.length + " new emergencies: ";
    box.appendChild(text);
    items.forEach(function (item, index) {
      var link = document.createElement("a");
      link.href = "/console/cases/" + item.dataset.newP0;
      link.textContent = item.dataset.summary;
      if (index) box.appendChild(document.createTextNode("; "));
      box.appendChild(link);
    });
    var dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "btn-link";
    dismiss.textContent = "Dismiss";
    dismiss.addEventListener("click", function () { box.textContent = ""; });
    box.appendChild(document.createTextNode(" "));
    box.appendChild(dismiss);
    return box;
  }

  function check() {
    var ids = newIds();
    var stored = sessionStorage.getItem(SEEN);
    var seen = stored ? JSON.parse(stored) : null;
    var arrived = seen === null ? [] : ids.filter(function (id) { return seen.indexOf(id) < 0; });
    sessionStorage.setItem(SEEN, JSON.stringify(ids));
    document.title = ids.length ? "(" + ids.length + ") " + baseTitle : baseTitle;
    if (!arrived.length) return;
    var box = announce(arrived);
    if (soundOn() && !tone() && box) {
      var note = document.createElement("span");
      note.className = "muted";
      note.textContent = " (The browser held the sound back: click anywhere on the page once to allow it.)";
      box.appendChild(note);
    }
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-alert-sound]");
    if (!toggle) return;
    localStorage.setItem(SOUND, soundOn() ? "off" : "on");
    showToggle();
    if (soundOn()) tone();  // the same tone, so people know what to listen for
  });

  function wake() {
    if (soundOn()) context();
  }
  document.addEventListener("pointerdown", wake, { once: true });
  document.addEventListener("keydown", wake, { once: true });

  // After any refresh: checking again is harmless when nothing changed.
  document.addEventListener("htmx:afterSettle", check);

  document.addEventListener("DOMContentLoaded", function () {
    showToggle();
    check();
  });
})();
