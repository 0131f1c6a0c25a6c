// Vigor, installable and usable with the network gone (docs/offline.md):
// - registers the service worker (/sw.js), which keeps the gym pages for when the network is not;
// - shows a banner while the browser is offline;
// - keeps the browser's install offer for the Profile page's "Install Vigor" button
//   (html.vigor-can-install shows it; window.vigorInstall() asks).
(function () {
  "use strict";

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function (error) {
        console.warn("Vigor could not install its offline helper:", error);
      });
    });
  }

  var BANNER_ID = "vigor-offline-banner";

  function showOffline(offline) {
    var banner = document.getElementById(BANNER_ID);
    if (offline && !banner && document.body) {
      banner = document.createElement("div");
      banner.id = BANNER_ID;
      banner.setAttribute("role", "status");
      banner.className = "vigor-offline-banner";
      banner.textContent = "You're offline. Pages show what was saved when you were last online.";
      document.body.appendChild(banner);
    } else if (!offline && banner) {
      banner.remove();
    }
  }

  // React takes the page over after it loads and drops what it did not render: while offline
  // the banner is put back whenever it is gone.
  var watching = null;
  function follow() {
    var offline = !navigator.onLine;
    showOffline(offline);
    if (offline && watching === null) {
      watching = window.setInterval(function () { showOffline(!navigator.onLine); }, 1000);
    } else if (!offline && watching !== null) {
      window.clearInterval(watching);
      watching = null;
    }
  }

  window.addEventListener("offline", follow);
  window.addEventListener("online", follow);
  window.addEventListener("load", follow);

  var installOffer = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();  // offered from the Profile page, not in the middle of a workout
    installOffer = event;
    document.documentElement.classList.add("vigor-can-install");
  });
  window.addEventListener("appinstalled", function () {
    installOffer = null;
    document.documentElement.classList.remove("vigor-can-install");
  });
  window.vigorInstall = function () {
    if (!installOffer) {
      return;
    }
    installOffer.prompt();
    installOffer.userChoice.finally(function () {
      installOffer = null;
      document.documentElement.classList.remove("vigor-can-install");
    });
  };
})();
