// GridLink's service worker: the app installs to the home screen, and a page that
// needs the network answers with a Chinese offline page instead of the browser's
// error. It caches the app's own static files only — never a page (pages carry the
// signed-in person's name) and never an /api/ answer (other people's data).
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
const STATIC_FILES = new Set(PRECACHE);

self.addEventListener('install', (event) => {
  // `reload`: past the browser's HTTP cache, so a new worker never stores an old file.
  event.waitUntil(caches.open(STATIC)
    .then((c) => c.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' }))))
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
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE, { cacheName: STATIC })));
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
