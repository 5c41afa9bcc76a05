import type { BakenApp } from '../app-context.js';
import { loadAssets } from './assets.js';
import { layout } from './layout.js';
import { registerPage, STAFF } from './page-route.js';
import { accessPage } from './pages/access.js';
import { alarmsPage } from './pages/alarms.js';
import { devicePage } from './pages/device.js';
import { fleetPage } from './pages/fleet.js';
import { homePage, myHomePage } from './pages/home.js';
import { keyCodePage } from './pages/key-code.js';
import { loginPage } from './pages/login.js';
import { reportsPage } from './pages/reports.js';
import { SECURITY_HEADERS } from './security-headers.js';

/**
 * The monitoring dashboard (issue 6 §6): server-rendered pages under `/app/`, the login page,
 * and static assets under `/assets/`. Pages read data only through the JSON API, as the
 * logged-in user, so the API's role rules apply unchanged.
 */
export async function webModule(app: BakenApp): Promise<void> {
  const assets = loadAssets();

  // Encapsulated: applies to the routes of this module only, not to the JSON API.
  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.get<{ Params: { name: string } }>('/assets/:name', { schema: { hide: true } }, async (req, reply) => {
    const a = assets.get(req.params.name);
    if (!a) return reply.code(404).type('text/plain').send('No such asset.');
    return reply.header('cache-control', 'no-cache').type(a.type).send(a.body);
  });

  app.get('/', { schema: { hide: true } }, async (req, reply) => {
    const p = req.principal;
    if (!p) return reply.redirect('/login');
    return reply.redirect(p.user.role === 'client' ? '/app/my-home' : '/app/fleet');
  });

  app.get('/login', { schema: { hide: true } }, async (req, reply) => {
    if (req.principal) return reply.redirect('/');
    const now = app.baken.clock.now();
    return reply.type('text/html; charset=utf-8').send(layout(loginPage(), null, '/login', now).value);
  });

  registerPage(app, '/app/fleet', STAFF, fleetPage);
  registerPage(app, '/app/alarms', ['admin', 'monitor', 'care_worker'], alarmsPage);
  registerPage(app, '/app/access', ['admin', 'monitor'], accessPage);
  registerPage(app, '/app/key-code', ['care_worker', 'monitor', 'admin'], keyCodePage);
  registerPage(app, '/app/reports', ['admin', 'monitor'], reportsPage);
  registerPage(app, '/app/homes/:id', [...STAFF, 'client'], homePage);
  registerPage(app, '/app/devices/:id', STAFF, devicePage);
  registerPage(app, '/app/my-home', ['client'], myHomePage);
}
