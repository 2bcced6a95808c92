// Fieldbook's service worker: keeps the app shell (index.html and the
// build's JS, wasm and CSS) on the device so the app opens with no network.
// The relay fills in VERSION (a hash of this build's index.html) and SHELL
// (every file of the build), so a new build is a new worker with its own
// cache: a page is always served one build, never old JS with new wasm.
const VERSION = "__VERSION__";
const SHELL = __SHELL__;
const PREFIX = "fieldbook-shell-";
const CACHE = PREFIX + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // Straight from the network: a half-updated HTTP cache must not leak in.
      await cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Live data and the worker itself always come from the network.
  if (url.pathname === "/sync" || url.pathname.startsWith("/api/") || url.pathname === "/sw.js") return;
  event.respondWith(
    (async () => {
      // Every route of the app is the same page. (`caches.match`, not
      // `caches.open`: opening would re-create a cache a newer worker deleted.)
      const navigate = request.mode === "navigate";
      const key = navigate ? "/index.html" : request;
      const hit = await caches.match(key, { cacheName: CACHE, ignoreSearch: navigate });
      return hit ?? fetch(request);
    })(),
  );
});
