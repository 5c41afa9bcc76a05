import type { BakenApp } from '../app-context.js';

/**
 * The installable app of informal carers and care workers (followup/README.md): its manifest and
 * its service worker, served under `/app/` so the worker's scope covers the pages, with the
 * dashboard's security headers (this module's `onSend` hook). The worker only shows what a push
 * message says and opens the app when tapped; it caches nothing (pages must be live).
 */
export function pwaRoutes(app: BakenApp): void {
  app.get('/app/manifest.webmanifest', { schema: { hide: true } }, async (_req, reply) =>
    reply
      .header('cache-control', 'no-cache')
      .type('application/manifest+json; charset=utf-8')
      .send(JSON.stringify(MANIFEST)),
  );
  app.get('/app/sw.js', { schema: { hide: true } }, async (_req, reply) =>
    reply
      .header('cache-control', 'no-cache')
      .header('service-worker-allowed', '/app/')
      .type('text/javascript; charset=utf-8')
      .send(SERVICE_WORKER),
  );
}

const MANIFEST = {
  name: 'Baken',
  short_name: 'Baken',
  description: 'Alarms you are asked to go to',
  start_url: '/app/respond',
  scope: '/app/',
  display: 'standalone',
  background_color: '#ffffff',
  theme_color: '#0b5cab',
  icons: [{ src: '/assets/app-icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
};

/** Push [RFC 8030] → a notification; a tap opens (or focuses) the page the message names. */
const SERVICE_WORKER = `'use strict';
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
self.addEventListener('push', (e) => {
  let m = {};
  try { m = e.data ? e.data.json() : {}; } catch { m = { title: 'Baken', body: e.data ? e.data.text() : '' }; }
  const url = typeof m.url === 'string' && m.url.startsWith('/app/') ? m.url : '/app/respond';
  e.waitUntil(self.registration.showNotification(m.title || 'Baken', {
    body: m.body || '', tag: m.tag || undefined, renotify: true, requireInteraction: true, data: { url },
  }));
});
self.addEventListener('notificationclick', (e) => {
  e.notification.close();
  const url = (e.notification.data && e.notification.data.url) || '/app/respond';
  e.waitUntil(self.clients.matchAll({ type: 'window' }).then((list) => {
    for (const c of list) if (new URL(c.url).pathname === url && 'focus' in c) return c.focus();
    return self.clients.openWindow(url);
  }));
});
`;
