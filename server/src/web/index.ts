import { type BakenApp, defineModule } from '../app-context.js';
import { runWithI18n } from '../i18n/index.js';
import type { Role } from '../store/repositories/index.js';
import { loadAssets } from './assets.js';
import { landingPath, layout } from './layout.js';
import { type PageRenderer, registerPage, STAFF } from './page-route.js';
import { accessPage } from './pages/access.js';
import { accessAdminPage } from './pages/access-admin.js';
import { alarmCentrePage } from './pages/alarm-centre.js';
import { alarmsPage } from './pages/alarms.js';
import { carerInvitePage } from './pages/carer-invite.js';
import { devicePage } from './pages/device.js';
import { fleetPage } from './pages/fleet.js';
import { followupChainPage } from './pages/followup-chain.js';
import { functionsPage } from './pages/functions.js';
import { homePage, myHomePage } from './pages/home.js';
import { keyCodePage } from './pages/key-code.js';
import { keysafesPage } from './pages/keysafes.js';
import { loginPage } from './pages/login.js';
import { myCarersPage } from './pages/my-carers.js';
import { registryPage } from './pages/registry.js';
import { reportsPage } from './pages/reports.js';
import { respondPage } from './pages/respond.js';
import { tokensPage } from './pages/tokens.js';
import { updatesPage } from './pages/updates.js';
import { usersPage } from './pages/users.js';
import { pwaRoutes } from './pwa.js';
import { largeText, requestI18n } from './request-i18n.js';
import { SECURITY_HEADERS } from './security-headers.js';

/**
 * The monitoring dashboard: server-rendered pages under `/app/`, the login page,
 * and static assets under `/assets/`. Pages read data only through the JSON API, as the
 * logged-in user, so the API's role rules apply unchanged.
 */
export const webModule = defineModule({ name: 'web', encapsulate: true }, web);

async function web(app: BakenApp): Promise<void> {
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

  app.get('/favicon.ico', { schema: { hide: true } }, async (_req, reply) =>
    reply.redirect('/assets/favicon.svg', 301),
  );

  // After login (`/?next=…`) and at `/`: the page asked for when this role may open it, else the
  // role's own first page — a care worker never lands on a page their role cannot open.
  app.get<{ Querystring: { next?: string } }>('/', { schema: { hide: true } }, async (req, reply) => {
    const p = req.principal;
    if (!p) return reply.redirect('/login');
    const next = typeof req.query.next === 'string' ? req.query.next : '';
    return reply.redirect(canOpen(p.user.role, next) ? next : landingPath(p.user.role));
  });

  app.get('/login', { schema: { hide: true } }, async (req, reply) => {
    if (req.principal) return reply.redirect('/');
    const now = app.baken.clock.now();
    const i18n = requestI18n(app, req, reply);
    const opts = { largeText: largeText(req, reply) };
    const page = runWithI18n(i18n, () => layout(loginPage(), null, '/login', now, opts));
    return reply.type('text/html; charset=utf-8').send(page.value);
  });

  // An informal carer's invitation link lands here (public; the token stays in the fragment).
  app.get('/carer/invite', { schema: { hide: true } }, async (req, reply) => {
    const now = app.baken.clock.now();
    const page = runWithI18n(requestI18n(app, req, reply), () =>
      layout(carerInvitePage(), null, '/carer/invite', now),
    );
    return reply.type('text/html; charset=utf-8').send(page.value);
  });
  pwaRoutes(app);

  for (const [path, roles, render] of PAGES) registerPage(app, path, roles, render);
}

/** Every dashboard page and the roles that may open it. */
const PAGES: ReadonlyArray<readonly [string, Role[], PageRenderer]> = [
  ['/app/fleet', STAFF, fleetPage],
  ['/app/alarms', ['admin', 'monitor', 'care_worker'], alarmsPage],
  ['/app/access', ['admin', 'monitor'], accessPage],
  ['/app/key-code', ['care_worker', 'monitor', 'admin'], keyCodePage],
  ['/app/reports', ['admin', 'monitor'], reportsPage],
  ['/app/updates', ['admin'], updatesPage],
  ['/app/users', ['admin'], usersPage],
  ['/app/registry', ['admin', 'technician'], registryPage],
  ['/app/manage-access', ['admin'], accessAdminPage],
  ['/app/functions', ['admin'], functionsPage],
  ['/app/alarm-centre', ['admin', 'technician'], alarmCentrePage],
  ['/app/keysafes', ['admin', 'technician'], keysafesPage],
  ['/app/tokens', ['admin', 'technician', 'monitor'], tokensPage],
  ['/app/homes/:id', [...STAFF, 'client'], homePage],
  ['/app/devices/:id', STAFF, devicePage],
  ['/app/my-home', ['client'], myHomePage],
  ['/app/my-carers', ['client'], myCarersPage],
  ['/app/respond', ['informal_carer', 'care_worker'], respondPage],
  ['/app/homes/:id/chain', ['admin', 'monitor'], followupChainPage],
];

const pattern = (path: string): RegExp => new RegExp(`^${path.replace(/:[a-z]+/g, '[A-Za-z0-9_%-]+')}$`);
const PAGE_PATTERNS = PAGES.map(([path, roles]) => [pattern(path), roles] as const);

/** Whether `pathname` is a dashboard page `role` may open. */
export function canOpen(role: Role, pathname: string): boolean {
  return PAGE_PATTERNS.some(([re, roles]) => roles.includes(role) && re.test(pathname));
}
