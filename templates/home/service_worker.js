/* The portal's service worker (home/webapp.py). It keeps ONE thing: the page saying how to
   reach the office by phone or at the counter (one copy per language) and its stylesheet.
   Pages always come from the network; when the network fails, a page visit shows that offline
   page instead of the browser's error. Nothing a person opens is ever stored: no tracking
   page, no form, no admin page. */
"use strict";

const VERSION = "{{ version }}";
const CACHE = "portal-offline-" + VERSION;
const OFFLINE_URLS = {{ offline_urls|safe }};
const DEFAULT_LANGUAGE = {{ default_language|safe }};
const PRECACHE = {{ precache|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload", credentials: "omit" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("portal-offline-") && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

function offlinePageFor(url) {
  const language = new URL(url).pathname.split("/")[1];
  return OFFLINE_URLS[language] || OFFLINE_URLS[DEFAULT_LANGUAGE];
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;  // form posts go to the network untouched
  }
  if (request.mode === "navigate") {
    // Network first, never stored; the offline page only when the network cannot answer.
    event.respondWith(
      fetch(request).catch(() =>
        caches.open(CACHE).then((cache) => cache.match(offlinePageFor(request.url)))
      )
    );
    return;
  }
  const path = new URL(request.url).pathname;
  if (new URL(request.url).origin === self.location.origin && PRECACHE.includes(path)) {
    // The offline page's stylesheet: from the network when there is one, else the kept copy.
    event.respondWith(fetch(request).catch(() => caches.match(path, { cacheName: CACHE })));
  }
  // Everything else: the browser's own handling, nothing kept.
});
