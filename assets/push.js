// Vigor's notifications, the browser's side (docs/offline.md#notifications-web-push). The
// Profile page's "Notifications on this device" card calls these through rx.call_script and
// hands each answer to a State handler (vigor_app/state/notifications.py), which decides what
// the card says and stores the subscription on the server. The service worker (/sw.js) shows
// what arrives.
//
// window.vigorPush.status()             -> {state: "unsupported" | "blocked" | "off" | "on", endpoint?}
// window.vigorPush.subscribe(publicKey) -> {state: "on", subscription, agent}
//                                          or {state: "blocked" | "off" | "unsupported" | "failed", error?}
// window.vigorPush.unsubscribe()        -> {state: "off", endpoint}
// Each returns a promise and never rejects: every failure is an answer the card can show.
(function () {
  "use strict";

  var READY_MS = 10000;  // how long to wait for the service worker to be in control

  function supported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }

  function keyBytes(base64url) {
    // applicationServerKey takes the server's public key as bytes.
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }

  function sameKey(subscription, bytes) {
    var current = subscription.options && subscription.options.applicationServerKey;
    if (!current) {
      return false;
    }
    var held = new Uint8Array(current);
    return held.length === bytes.length && held.every(function (b, i) { return b === bytes[i]; });
  }

  function worker() {
    // The registration offline.js makes; registered again here should it not be there yet.
    var ready = navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    });
    var late = new Promise(function (resolve, reject) {
      window.setTimeout(function () { reject(new Error("Vigor's service worker did not start")); }, READY_MS);
    });
    return Promise.race([ready, late]);
  }

  function failed(error) {
    var name = (error && error.name) || "Error";
    if (name === "NotAllowedError") {
      return { state: Notification.permission === "denied" ? "blocked" : "off" };
    }
    return { state: "failed", error: String((error && error.message) || name) };
  }

  function status() {
    if (!supported()) {
      return Promise.resolve({ state: "unsupported" });
    }
    if (Notification.permission === "denied") {
      return Promise.resolve({ state: "blocked" });
    }
    return navigator.serviceWorker.getRegistration("/").then(function (registration) {
      if (!registration || Notification.permission !== "granted") {
        return { state: "off" };
      }
      return registration.pushManager.getSubscription().then(function (subscription) {
        return subscription ? { state: "on", endpoint: subscription.endpoint } : { state: "off" };
      });
    }).catch(failed);
  }

  function subscribe(publicKey) {
    if (!supported()) {
      return Promise.resolve({ state: "unsupported" });
    }
    var bytes = keyBytes(publicKey);
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        return { state: permission === "denied" ? "blocked" : "off" };
      }
      return worker().then(function (registration) {
        return registration.pushManager.getSubscription().then(function (existing) {
          // A subscription made for another key (the server's key was replaced) cannot be used.
          if (existing && !sameKey(existing, bytes)) {
            return existing.unsubscribe().then(function () { return null; });
          }
          return existing;
        }).then(function (existing) {
          return existing || registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes });
        });
      }).then(function (subscription) {
        return { state: "on", subscription: subscription.toJSON(), agent: navigator.userAgent };
      });
    }).catch(failed);
  }

  function unsubscribe() {
    if (!supported()) {
      return Promise.resolve({ state: "off" });
    }
    return navigator.serviceWorker.getRegistration("/").then(function (registration) {
      return registration ? registration.pushManager.getSubscription() : null;
    }).then(function (subscription) {
      if (!subscription) {
        return { state: "off", endpoint: "" };
      }
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () { return { state: "off", endpoint: endpoint }; });
    }).catch(function (error) {
      return { state: "off", endpoint: "", error: String((error && error.message) || error) };
    });
  }

  window.vigorPush = { status: status, subscribe: subscribe, unsubscribe: unsubscribe };
})();
