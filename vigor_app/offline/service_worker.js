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
