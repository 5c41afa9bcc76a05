import type { Principal } from '../auth/auth-service.js';
import { i18n, type MessageKey, t } from '../i18n/index.js';
import type { Role } from '../store/repositories/index.js';
import { browserMessages, preferenceLinks } from './browser-messages.js';
import { html, type SafeHtml } from './html.js';

export interface PageResult {
  title: string;
  /** Controls that must survive a live refresh (filter forms); rendered above the live region. */
  controls?: SafeHtml;
  /** The part re-fetched with `?partial=1` on every live update. */
  body: SafeHtml;
  /** Extra per-page module scripts under /assets/. */
  scripts?: string[];
  /** Page-level status code (e.g. 404 for an unknown home). */
  status?: number;
}

type NavEntry = readonly [path: string, label: MessageKey];

const STAFF_NAV: readonly NavEntry[] = [
  ['/app/fleet', 'nav.fleet'],
  ['/app/alarms', 'nav.alarms'],
  ['/app/access', 'nav.access'],
  ['/app/reports', 'nav.reports'],
];

/** Who is offered their API tokens (for scripts) next to their name. */
const TOKEN_ROLES: readonly Role[] = ['admin', 'technician', 'monitor'];

/**
 * The administrator's own screens, under one "Manage" menu after the four staff pages: eleven
 * entries in a row wrapped the header to three lines on a laptop and filled half a phone screen.
 */
const MANAGE_NAV: readonly NavEntry[] = [
  ['/app/users', 'nav.users'],
  ['/app/registry', 'nav.registry'],
  ['/app/manage-access', 'nav.accessAdmin'],
  ['/app/functions', 'nav.functions'],
  ['/app/keysafes', 'nav.keysafes'],
  ['/app/alarm-centre', 'nav.alarmCentre'],
  ['/app/updates', 'nav.updates'],
];

/** The page a role lands on after login (and at `/`): the first page of its own menu. */
export function landingPath(role: Role): string {
  return navFor(role)[0]?.[0] ?? '/app/fleet';
}

/** The entries under the "Manage" menu for a role (none but the administrator's). */
function manageFor(role: Role): readonly NavEntry[] {
  return role === 'admin' ? MANAGE_NAV : [];
}

function navFor(role: Role): readonly NavEntry[] {
  if (role === 'client')
    return [
      ['/app/my-home', 'nav.myHome'],
      ['/app/my-carers', 'nav.myCarers'],
    ];
  if (role === 'informal_carer') return [['/app/respond', 'nav.respond']];
  if (role === 'care_worker')
    return [
      ['/app/alarms', 'nav.myAlarms'],
      ['/app/key-code', 'nav.keyCode'],
      ['/app/respond', 'nav.askedToGo'],
    ];
  if (role === 'technician')
    return [
      ['/app/fleet', 'nav.fleet'],
      ['/app/registry', 'nav.registry'],
      ['/app/keysafes', 'nav.keysafes'],
      ['/app/alarm-centre', 'nav.alarmCentre'],
    ];
  return STAFF_NAV;
}

/** The live region alone: what `?partial=1` answers. `data-updated-at` is the server's render time. */
export function liveRegion(body: SafeHtml, now: number): SafeHtml {
  return html`<div id="live-region" data-live-region data-updated-at="${now}">${body}</div>`;
}

/**
 * The page shell. No inline script or style (CSP `script-src 'self'`); the CSRF token travels
 * in a meta tag for the page scripts' state-changing calls [auth-plugin: x-baken-csrf].
 */
export function layout(
  page: PageResult,
  principal: Principal | null,
  path: string,
  now: number,
  opts: { stream?: boolean; largeText?: boolean } = {},
): SafeHtml {
  const user = principal?.user;
  const nav = user === undefined ? [] : navFor(user.role);
  const manage = user === undefined ? [] : manageFor(user.role);
  const entry = ([href, label]: NavEntry) =>
    html`<li><a href="${href}"${path.startsWith(href) ? html` aria-current="page"` : ''}>${t(label)}</a></li>`;
  const inManage = manage.some(([href]) => path.startsWith(href));
  const scripts = ['app.js', ...(page.scripts ?? [])];
  return html`<!doctype html>
<html lang="${i18n().locale}"${opts.largeText ? html` class="text-large"` : ''}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${t('layout.titleSuffix', { title: page.title })}</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/style.css">
<link rel="stylesheet" href="/assets/components.css">
<link rel="manifest" href="/app/manifest.webmanifest">
${principal?.csrfToken ? html`<meta name="baken-csrf" content="${principal.csrfToken}">` : ''}
${browserMessages()}
${scripts.map((s) => html`<script type="module" src="/assets/${s}"></script>`)}
</head>
<body>
<a class="skip" href="#main">${t('layout.skip')}</a>
<header class="top">
  <a class="brand" href="/">Baken</a>
  ${
    nav.length > 0
      ? html`<nav aria-label="${t('layout.mainNav')}"><ul>${nav.map(entry)}${
          manage.length > 0
            ? html`<li class="nav-more"><details><summary${inManage ? html` data-current="true"` : ''}>${t('nav.manage')}</summary><ul>${manage.map(entry)}</ul></details></li>`
            : ''
        }</ul></nav>`
      : ''
  }
  ${
    user
      ? html`<div class="live" id="live" data-state="connecting" data-stream="${opts.stream ? 'yes' : 'missing'}">
    <span class="visually-hidden" id="live-announce" role="status" aria-live="polite"></span><span class="live-dot" aria-hidden="true"></span><span class="live-text">${t('layout.connecting')}</span>
    <span class="live-updated">${t('layout.updated')} <time id="updated-at" datetime="${new Date(now).toISOString()}" title="${i18n().timeZone}">${i18n().time(now)}</time></span>
  </div>
  <div class="who"><span class="muted">${user.displayName} (${t(`role.${user.role}`)})</span>${
    TOKEN_ROLES.includes(user.role)
      ? html` <a href="/app/tokens"${path.startsWith('/app/tokens') ? html` aria-current="page"` : ''}>${t('nav.tokens')}</a>`
      : ''
  }
    <button type="button" id="logout" class="btn btn-quiet">${t('layout.logout')}</button></div>`
      : ''
  }
  ${preferenceLinks(path, opts.largeText === true)}
</header>
<main id="main">
<h1>${page.title}</h1>
${page.controls ?? ''}
${liveRegion(page.body, now)}
</main>
</body>
</html>`;
}
