// The respondents' service worker (served as /f/survey-sw.js, so its scope is /f/ and nothing
// else): a questionnaire page opened once with the network can be opened again without it.
//
// What it keeps, in one cache: the pages /f/{token} (the questions, with no answers: those live
// in the page's localStorage draft and outbox) and the /static/ files they load. Network first,
// always: with the network the respondent gets the current questionnaire and scripts, and the
// copy is refreshed; without it, the last copy. Nothing else is read from or written to the
// cache: no POST (answers, contact data), no other page under /f/, no staff page (they are
// outside the scope), no redirect (an `accounts` survey sends a signed-out visitor to the login
// page) and no error page. A page answered 404 or 410 (the link was withdrawn, the survey
// closed) is dropped from the cache.
"use strict";

const CACHE = "duluan-forms-v1";
const FORM_PAGE = /^\/f\/[^/]+$/;
const WORKER = "/f/survey-sw.js";

const isFormPage = (url) => url.origin === self.location.origin && FORM_PAGE.test(url.pathname) && url.pathname !== WORKER;
const isAsset = (url) => url.origin === self.location.origin && url.pathname.startsWith("/static/");
const keepable = (response) => response.ok && response.status === 200 && response.type === "basic" && !response.redirected;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  // Navigation preload: the browser asks the server for the page while the worker starts,
  // so waking the worker does not delay a page that arrives over the network.
  const preload = self.registration.navigationPreload ? self.registration.navigationPreload.enable() : Promise.resolve();
  event.waitUntil(
    preload
      .then(() => caches.keys())
      .then((names) => Promise.all(names.filter((n) => n.startsWith("duluan-forms-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

// A static file whose kept copy has the same ETag is not written again: most page loads
// change nothing, and a phone's storage is slow.
const keepCopy = async (key, response) => {
  const cache = await caches.open(CACHE);
  const tag = response.headers.get("ETag");
  if (tag && isAsset(new URL(key))) {
    const kept = await cache.match(key);
    if (kept && kept.headers.get("ETag") === tag) return;
  }
  await cache.put(key, response);
};

// Fetch from the network, keep a good copy, and fall back on the kept one when there is no
// network at all (a server's error page is passed on: the server is there and has spoken).
// The copy is written while the page already reads the response, not before.
const networkFirst = async (event, key) => {
  let response;
  try {
    response = (await event.preloadResponse) || (await fetch(event.request));
  } catch (error) {
    const cache = await caches.open(CACHE);
    const kept = (await cache.match(key)) || (await cache.match(key, { ignoreSearch: true }));
    if (kept) return kept;
    throw error;
  }
  if (keepable(response)) {
    const copy = response.clone();
    event.waitUntil(keepCopy(key, copy));
  } else if (response.status === 404 || response.status === 410) {
    event.waitUntil(caches.open(CACHE).then((cache) => cache.delete(key)));
  }
  return response;
};

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return; // answers go to the network, never near the cache
  const url = new URL(request.url);
  if (isFormPage(url) || isAsset(url)) event.respondWith(networkFirst(event, url.href));
});

// The page that registered the worker was loaded before the worker ran, so it asks for its own
// address and assets to be fetched and kept once: from then on it opens offline too.
self.addEventListener("message", (event) => {
  const { keep } = event.data || {};
  if (!Array.isArray(keep)) return;
  const wanted = keep
    .map((address) => new URL(address, self.location.origin))
    .filter((url) => isFormPage(url) || isAsset(url));
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(
        wanted.map((url) =>
          // From the browser's HTTP cache when it still has them (the page is `private,
          // no-cache`): keeping a copy then costs the server nothing.
          fetch(url.href, { credentials: "same-origin", cache: "force-cache" })
            .then((response) => (keepable(response) ? cache.put(url.href, response) : undefined))
            .catch(() => undefined),
        ),
      ),
    ),
  );
});
