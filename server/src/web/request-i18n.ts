import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BakenApp } from '../app-context.js';
import { createI18n, type I18n, type Locale, toLocale } from '../i18n/index.js';

/** Remembers a language picked before login (or without JavaScript); not a secret. */
export const LANG_COOKIE = 'baken_lang';
/** Remembers "larger text" (`?text=large`), for clients who read with difficulty. */
export const TEXT_COOKIE = 'baken_text';

function addCookie(reply: FastifyReply, cookie: string): void {
  const prev = reply.getHeader('set-cookie');
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev : [String(prev)];
  reply.header('set-cookie', [...list, cookie]);
}

/** Whether the page is shown in larger type: `?text=large|normal`, remembered in a cookie. */
export function largeText(req: FastifyRequest, reply: FastifyReply): boolean {
  const q = (req.query as Record<string, unknown> | undefined)?.['text'];
  if (q === 'large' || q === 'normal') {
    addCookie(reply, `${TEXT_COOKIE}=${q}; Path=/; Max-Age=31536000; SameSite=Lax`);
    return q === 'large';
  }
  return (req.cookies as Record<string, string | undefined> | undefined)?.[TEXT_COOKIE] === 'large';
}

/**
 * The language a page is rendered in, first match wins [server/src/web/I18N.md]:
 * `?lang=` on the URL (also remembered in a cookie), the user's own choice, the cookie,
 * the deployment's default (`BAKEN_LOCALE`, Dutch). Dates in `BAKEN_TIME_ZONE` (Europe/Amsterdam).
 */
export function requestI18n(
  app: BakenApp,
  req: FastifyRequest,
  reply: FastifyReply,
  userLocale?: Locale | undefined,
): I18n {
  const cfg = app.baken.config.i18n;
  const q = (req.query as Record<string, unknown> | undefined)?.['lang'];
  const asked = typeof q === 'string' ? toLocale(q) : undefined;
  if (asked) addCookie(reply, `${LANG_COOKIE}=${asked}; Path=/; Max-Age=31536000; SameSite=Lax`);
  const cookie = toLocale((req.cookies as Record<string, string | undefined> | undefined)?.[LANG_COOKIE]);
  return createI18n(asked ?? userLocale ?? cookie ?? cfg.locale, cfg.timeZone);
}
