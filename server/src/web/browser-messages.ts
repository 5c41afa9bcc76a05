import { CATALOGUES } from '../i18n/catalogues/index.js';
import { i18n, LOCALES, t } from '../i18n/index.js';
import { html, type SafeHtml } from './html.js';

/**
 * The `js.*` messages of the page's language as JSON in a meta tag, read by `app.js`
 * (`bakenT(key, values)`): no inline script at all, so the CSP `script-src 'self'` holds.
 */
export function browserMessages(): SafeHtml {
  const own = CATALOGUES[i18n().locale];
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(own)) if (k.startsWith('js.')) out[k] = v;
  return html`<meta name="baken-messages" content="${JSON.stringify(out)}">`;
}

/** Language links (each in its own language) and the text-size switch, on every page. */
export function preferenceLinks(path: string, largeText: boolean): SafeHtml {
  const here = i18n().locale;
  return html`<nav class="prefs" aria-label="${t('layout.preferences')}">${LOCALES.map(
    (l) =>
      html`<a href="${path}?lang=${l}" lang="${l}" hreflang="${l}"${l === here ? html` aria-current="true"` : ''}>${t(`layout.lang.${l}`)}</a>`,
  )}<a href="${path}?text=${largeText ? 'normal' : 'large'}">${t(largeText ? 'layout.normalText' : 'layout.largeText')}</a></nav>`;
}
