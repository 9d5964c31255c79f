// GridLink's service worker: the app installs to the home screen, the report form
// opens without a connection (offline capture: ui/outbox.rs), and any other page
// that needs the network answers with a Chinese offline page.
//
// What it keeps: the app's own static files; the report page (/report), which
// carries the signed-in person's name, only for that person: every sign-in, sign-out
// and account deletion empties that cache; and the three public answers the report
// form needs offline (categories, map settings, grid outlines). Never any other page
// or API answer.
//
// Static files are fetched from the network first (their names carry no hash, so a
// cached copy could be older than the server's pages); the cache answers only when
// the network cannot. __BUILD__ is replaced by scripts/build-bundle.sh, so every
// build installs a fresh worker and drops the previous build's files.
const BUILD = '__BUILD__';
const STATIC = `gridlink-static-${BUILD}`;
const OFFLINE = '/offline.html';
const PRECACHE = [
  OFFLINE, '/offline.js', '/manifest.webmanifest', '/icons/icon-192.png', '/favicon.ico',
  '/pkg/gridlink.css', '/pkg/gridlink.js', '/pkg/gridlink.wasm',
  '/pkg/__wasm_split.______________________.js', '/leaflet/leaflet.js', '/leaflet/leaflet.css',
];
const STATIC_PREFIXES = ['/pkg/', '/leaflet/', '/icons/'];
const PAGES = 'gridlink-pages';
const OFFLINE_PAGES = new Set(['/report']);
const DATA = 'gridlink-data';
// Public answers the report form reads (server functions are POSTs): kept under a
// GET key of their own, answered from the cache only when the network fails.
const OFFLINE_DATA = { '/api/case_categories': 'POST', '/api/map_settings': 'POST', '/api/v1/grids.geojson': 'GET' };
const AUTH_CHANGES = new Set(['/api/login', '/api/logout', '/api/register', '/api/delete_account', '/api/change_password']);
// A kept report page older than this is not served (a session that ended on the
// server, unseen by this worker, does not leave the page around for long).
const PAGE_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
const STATIC_FILES = new Set(PRECACHE);

self.addEventListener('install', (event) => {
  // `no-cache`: revalidated with the server, so a new worker never stores an old
  // file, yet a file the page just downloaded comes from the HTTP cache (a 304)
  // instead of a second download of the whole bundle.
  event.waitUntil(caches.open(STATIC)
    .then((c) => c.addAll(PRECACHE.map((url) => new Request(url, { cache: 'no-cache' }))))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('gridlink-') && key !== STATIC) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

const isStatic = (url) => STATIC_FILES.has(url.pathname) || STATIC_PREFIXES.some((p) => url.pathname.startsWith(p));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (AUTH_CHANGES.has(url.pathname)) {
    // Someone signs in or out: the kept report page was the previous person's.
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (OFFLINE_DATA[url.pathname] === request.method) {
    event.respondWith(networkFirst(request, DATA, new Request(`/__offline${url.pathname}`)));
    return;
  }
  if (request.method !== 'GET' || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    const fallback = () => caches.match(OFFLINE, { cacheName: STATIC });
    if (OFFLINE_PAGES.has(url.pathname)) {
      event.respondWith(networkFirst(request, PAGES, new Request(url.pathname), PAGE_MAX_AGE_MS).catch(fallback));
    } else {
      event.respondWith(fetch(request).catch(fallback));
    }
    return;
  }
  if (!isStatic(url)) return;
  event.respondWith((async () => {
    try {
      const response = await fetch(request, { cache: 'no-cache' });
      // Lazily loaded chunks join the cache the first time they are fetched.
      if (response.ok && !url.search) {
        const copy = response.clone();
        event.waitUntil(caches.open(STATIC).then((c) => c.put(request, copy)));
      }
      return response;
    } catch (e) {
      const cached = await caches.match(request, { cacheName: STATIC });
      if (cached) return cached;
      throw e;
    }
  })());
});

// The network's answer (kept under `key` when it is a success), else the kept one.
async function networkFirst(request, cacheName, key, maxAgeMs) {
  try {
    const response = await fetch(request.clone ? request.clone() : request);
    if (response.ok && !response.redirected) {
      const copy = response.clone();
      const cache = await caches.open(cacheName);
      await cache.put(key, copy);
    }
    return response;
  } catch (e) {
    const kept = await caches.match(key, { cacheName });
    const age = kept ? Date.now() - Date.parse(kept.headers.get('date') || '') : 0;
    if (kept && !(maxAgeMs && !(age < maxAgeMs))) return kept;
    throw e;
  }
}
