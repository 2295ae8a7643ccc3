/*
 * Nacho's service worker: after one visit the page boots with the server
 * gone. `nacho serve` fills in the build id and the list of files to keep.
 *
 * Content-hashed assets (assets/*) never change, so they are served from
 * the cache first. The page itself and nacho.js go to the network first, so
 * a new build replaces the cached one on the next online visit, and fall
 * back to the cache when the network fails. A new build changes this file's
 * text (its build id), which installs a new worker with the new files.
 */
'use strict';
var BUILD = /*@NACHO_BUILD@*/'dev';
var PRECACHE = /*@NACHO_PRECACHE@*/[];
var CACHE = 'nacho-' + BUILD;
var SCOPE = new URL(self.registration.scope);

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) {
    return c.addAll(PRECACHE.map(function (p) { return new Request(new URL(p, SCOPE).href, { cache: 'reload' }); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf('nacho-') === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function cacheFirst(req) {
  return caches.open(CACHE).then(function (c) {
    return c.match(req).then(function (hit) {
      return hit || fetch(req).then(function (resp) {
        if (resp.ok) c.put(req, resp.clone());
        return resp;
      });
    });
  });
}

function networkFirst(req, fallbackPath) {
  return fetch(req).then(function (resp) {
    if (resp.ok && resp.type === 'basic') {
      var copy = resp.clone();
      caches.open(CACHE).then(function (c) { c.put(req, copy); });
    }
    return resp;
  }).catch(function (err) {
    return caches.open(CACHE).then(function (c) {
      return c.match(req, { ignoreSearch: true }).then(function (hit) {
        if (hit) return hit;
        if (fallbackPath) return c.match(new URL(fallbackPath, SCOPE).href);
        throw err;
      });
    }).then(function (resp) {
      if (!resp) throw err;
      return resp;
    });
  });
}

self.addEventListener('fetch', function (e) {
  var req = e.request;
  if (req.method !== 'GET') return;
  var url = new URL(req.url);
  if (url.origin !== SCOPE.origin || url.pathname.indexOf(SCOPE.pathname) !== 0) return;
  var rel = url.pathname.slice(SCOPE.pathname.length);
  if (rel.indexOf('api/') === 0) return; // the cloud node's API is never cached
  if (rel.indexOf('assets/') === 0) { e.respondWith(cacheFirst(req)); return; }
  if (req.mode === 'navigate') { e.respondWith(networkFirst(req, './')); return; }
  if (PRECACHE.indexOf(rel) >= 0 || PRECACHE.indexOf('./' + rel) >= 0) e.respondWith(networkFirst(req));
});
