import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BakenApp } from '../app-context.js';
import type { Principal } from '../auth/auth-service.js';
import { type I18n, runWithI18n, t } from '../i18n/index.js';
import type { Role } from '../store/repositories/index.js';
import { ApiClient } from './api-client.js';
import { html } from './html.js';
import { landingPath, layout, liveRegion, type PageResult } from './layout.js';
import { largeText, requestI18n } from './request-i18n.js';
import { storageBanner } from './storage-banner.js';

export interface PageContext {
  app: BakenApp;
  req: FastifyRequest;
  api: ApiClient;
  principal: Principal;
  now: number;
  /** The request's language and time zone; `t()` from server/src/i18n speaks it too. */
  i18n: I18n;
  query: Record<string, string | undefined>;
  params: Record<string, string | undefined>;
}

export type PageRenderer = (c: PageContext) => Promise<PageResult>;

/** Who may open the staff pages. */
export const STAFF: Role[] = ['admin', 'monitor', 'technician'];

function flat(v: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x.slice(0, 200);
  return out;
}

/**
 * Registers a login-protected page. Not logged in → redirect to the login page (and back after);
 * wrong role → a client goes to their own home, anyone else gets a 403 page. `?partial=1`
 * answers only the live region, which the page script swaps in on live updates.
 */
export function registerPage(app: BakenApp, path: string, roles: Role[], render: PageRenderer): void {
  app.get(path, { schema: { hide: true } }, async (req: FastifyRequest, reply: FastifyReply) => {
    const i18n = requestI18n(app, req, reply);
    return runWithI18n(i18n, () => servePage(app, path, roles, render, req, reply, i18n));
  });
}

async function servePage(
  app: BakenApp,
  path: string,
  roles: Role[],
  render: PageRenderer,
  req: FastifyRequest,
  reply: FastifyReply,
  i18n: I18n,
) {
  const principal = req.principal;
  const now = app.baken.clock.now();
  const query = flat(req.query);
  if (!principal) {
    if (query['partial'] === '1') return reply.code(401).type('text/plain').send('Logged out.');
    return reply.redirect(`/login?next=${encodeURIComponent(req.url.split('?')[0] ?? '/')}`);
  }
  if (!roles.includes(principal.user.role)) {
    const own = landingPath(principal.user.role);
    if (principal.user.role === 'client') return reply.redirect(own);
    const page: PageResult = {
      title: t('forbidden.title'),
      status: 403,
      body: html`<p class="notice notice-error" role="alert">${t('forbidden.text', { role: t(`role.${principal.user.role}`) })}</p>
<p><a class="btn btn-primary" href="${own}">${t('forbidden.back')}</a></p>`,
    };
    return reply
      .code(403)
      .type('text/html; charset=utf-8')
      .send(layout(page, principal, path, now).value);
  }
  const ctx: PageContext = {
    app,
    req,
    api: new ApiClient(app, req),
    principal,
    now,
    i18n,
    query,
    params: flat(req.params),
  };
  const rendered = await render(ctx);
  const banner = storageBanner(app.baken.storageHealth?.trouble, principal.user.role);
  const page = banner ? { ...rendered, body: html`${banner}${rendered.body}` } : rendered;
  reply.code(page.status ?? 200).type('text/html; charset=utf-8');
  if (query['partial'] === '1') return reply.send(liveRegion(page.body, now).value);
  // Without the SSE route the page says "not live" and polls instead of pretending.
  // Clients are not given the stream (health/API.md): their pages poll and say so.
  const stream = principal.user.role !== 'client' && app.hasRoute({ method: 'GET', url: '/api/v1/stream' });
  const opts = { stream, largeText: largeText(req, reply) };
  return reply.send(layout(page, principal, req.url.split('?')[0] ?? path, now, opts).value);
}
