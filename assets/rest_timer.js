// The rest timer's "time is up": two short beeps and a vibration where the browser allows.
// Browsers only let a page play sound after the person has touched it, so the audio is
// unlocked on the first tap (ticking a set is one). window.vigorRestAlerts counts the alerts.
(function () {
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
