// Vigor's service worker, served at /sw.js by vigor_app/offline/shell.py, which fills in
// VERSION (one per production build) and PRECACHE (the gym pages and the files they load).
// docs/offline.md says what it does and why.
"use strict";

const VERSION = "__VERSION__";
const PRECACHE = __PRECACHE__;
const CACHE = "vigor-" + VERSION;
// Never from the cache: the live connection, the API, uploads, sign-on and the health check.
const LIVE = ["/_event", "/_upload", "/api/", "/auth/", "/health", "/sw.js"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  // A new build's worker takes over and drops every older build's cache.
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("vigor-") && name !== CACHE).map((name) => caches.delete(name)),
      ))
      .then(() => self.clients.claim()),
  );
});

function pageKey(url) {
  // "/log/" and "/log" are one page; the query (?session=3) is the page's own business.
  const path = url.pathname.replace(/\/+$/, "") || "/";
  return new Request(url.origin + path);
}

function asPage(kept) {
  // A page kept after a redirect ("/log" answers "/log/") cannot answer a navigation as it is:
  // the browser refuses a redirected response there. The same page, made anew, can.
  if (!kept.redirected) {
    return kept;
  }
  return kept.blob().then((body) => new Response(body, {
    status: kept.status, statusText: kept.statusText, headers: kept.headers,
  }));
}

async function fromNetworkThenCache(request) {
  const cache = await caches.open(CACHE);
  const key = pageKey(new URL(request.url));
  try {
    const answer = await fetch(request);
    if (answer.ok && answer.type === "basic") {
      cache.put(key, answer.clone());
    }
    return answer;
  } catch (offline) {
    const kept = await cache.match(key);
    if (kept) {
      return asPage(kept);
    }
    const home = await cache.match(pageKey(new URL("/dashboard", request.url)));
    if (home) {
      return asPage(home);
    }
    throw offline;
  }
}

async function fromCacheThenNetwork(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) {
    return kept;
  }
  const answer = await fetch(request);
  if (answer.ok && answer.type === "basic") {
    cache.put(request, answer.clone());
  }
  return answer;
}

async function fromNetworkElseCache(request) {
  const cache = await caches.open(CACHE);
  try {
    const answer = await fetch(request);
    if (answer.ok && answer.type === "basic") {
      cache.put(request, answer.clone());
    }
    return answer;
  } catch (offline) {
    const kept = await cache.match(request);
    if (kept) {
      return kept;
    }
    throw offline;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (LIVE.some((prefix) => url.pathname.startsWith(prefix))) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fromNetworkThenCache(request));
  } else if (url.pathname.startsWith("/assets/")) {
    event.respondWith(fromCacheThenNetwork(request));  // hashed names: a file never changes
  } else {
    event.respondWith(fromNetworkElseCache(request));  // the stylesheets, icons, manifest
  }
});

// --- Notifications (Web Push) --------------------------------------------------------------
// The server sends {title, body, url, tag}, encrypted to this browser (services/notifications).

const ICON = "/icons/vigor-192.png";
const HOME = "/dashboard";

function samePath(url) {
  // Only a path on this site: a notification opens Vigor, never another address.
  if (typeof url !== "string" || !url.startsWith("/") || url.startsWith("//") || url.includes("\\")) {
    return HOME;
  }
  return url;
}

function readMessage(data) {
  let message = {};
  try {
    message = data ? data.json() : {};
  } catch (notJson) {
    message = { body: data ? data.text() : "" };
  }
  const text = (value) => (typeof value === "string" ? value : "");
  return {
    title: text(message.title) || "Vigor",
    body: text(message.body),
    url: samePath(message.url),
    tag: text(message.tag),
  };
}

async function vigorInSight() {
  // A Vigor window the person is looking at tells them itself (the rest timer beeps there).
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  return windows.some((client) => client.visibilityState === "visible" && client.focused);
}

async function showMessage(message) {
  if (message.tag === "rest" && await vigorInSight()) {
    return;
  }
  const options = { body: message.body, icon: ICON, badge: ICON, data: { url: message.url } };
  if (message.tag) {
    options.tag = message.tag;  // a newer one of the same kind replaces the older
    options.renotify = true;
  }
  await self.registration.showNotification(message.title, options);
}

self.addEventListener("push", (event) => {
  event.waitUntil(showMessage(readMessage(event.data)));
});

async function openPage(path) {
  const target = new URL(path, self.location.origin);
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const there = windows.find((client) => new URL(client.url).pathname === target.pathname);
  if (there) {
    return there.focus();
  }
  if (windows.length > 0) {
    const focused = await windows[0].focus();
    return focused.navigate ? focused.navigate(target.href).catch(() => focused) : focused;
  }
  return self.clients.openWindow(target.href);
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  event.waitUntil(openPage(samePath(data.url)));
});
