// The rest timer in the browser.
//
// Counting down: the server sends the seconds left when a rest starts or changes (the
// element's data-rest-seconds) and a number that changes each time (data-rest-version); this
// counts down from there on the browser's own clock, four times a second, into the element's
// text ("87 s") and the width of the bar inside any [data-rest-bar] (data-rest-total: the whole
// rest). Nothing else is read or written. The server ends the rest when it is over.
//
// Time is up: two short beeps and a vibration where the browser allows (vigorRestDone, called
// by the server). Browsers only let a page play sound after the person has touched it, so the
// audio is unlocked on the first tap (ticking a set is one). window.vigorRestAlerts counts the
// alerts.
(function () {
  var deadline = 0;
  var version = null;
  function tick() {
    var clock = document.querySelector("[data-rest-seconds]");
    if (!clock) { version = null; return; }
    var seen = clock.getAttribute("data-rest-version");
    if (seen !== version) {
      version = seen;
      deadline = Date.now() + 1000 * Number(clock.getAttribute("data-rest-seconds") || 0);
    }
    var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    var text = left + " s";
    if (clock.textContent !== text) { clock.textContent = text; }
    var bar = document.querySelector("[data-rest-bar]");
    if (bar) {
      var total = Math.max(1, Number(bar.getAttribute("data-rest-total") || 1));
      var share = Math.min(100, (100 * left) / total);
      bar.firstElementChild.style.width = share + "%";
      bar.setAttribute("aria-valuenow", String(left));
    }
  }
  setInterval(tick, 250);
  // At once when a timer appears or restarts, not up to a quarter second later.
  new MutationObserver(tick).observe(document.documentElement, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["data-rest-version"],
  });

  var audio = null;
  function unlock() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) {
      try { audio = new Context(); } catch (e) { audio = null; }
    }
    if (audio && audio.state === "suspended") { audio.resume(); }
  }
  document.addEventListener("pointerdown", unlock, { passive: true });
  document.addEventListener("keydown", unlock, { passive: true });
  function beep(at) {
    var tone = audio.createOscillator();
    var gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.2);
    tone.connect(gain).connect(audio.destination);
    tone.start(at);
    tone.stop(at + 0.22);
  }
  window.vigorRestAlerts = 0;
  window.vigorRestDone = function () {
    window.vigorRestAlerts += 1;
    try {
      if (audio && audio.state === "running") { beep(audio.currentTime); beep(audio.currentTime + 0.3); }
    } catch (e) { /* no sound is no error */ }
    if (navigator.vibrate) { try { navigator.vibrate([200, 100, 200]); } catch (e) { /* ignore */ } }
  };
})();
