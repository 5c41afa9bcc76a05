export type { MessageKey } from './catalogues/index.js';
export { hasMessage, i18n, runWithI18n, t, word } from './context.js';
export { DEFAULT_LOCALE, DEFAULT_TIME_ZONE, isLocale, LOCALES, type Locale, toLocale } from './locale.js';
export { createI18n, type I18n, type MessageValues } from './translator.js';
