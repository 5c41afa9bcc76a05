import { AsyncLocalStorage } from 'node:async_hooks';
import { CATALOGUES, type MessageKey } from './catalogues/index.js';
import { DEFAULT_TIME_ZONE } from './locale.js';
import { createI18n, type I18n, type MessageValues } from './translator.js';

/**
 * The language of the request being rendered. `registerPage` (and the login page, the CSV
 * reports) run their rendering inside {@link runWithI18n}, so page code anywhere below calls
 * `t('key')` without passing the locale through every function [server/src/web/I18N.md].
 * Outside such a scope (a unit test calling a component directly) it is English in Europe/Amsterdam.
 *
 * The scope is switched off again whenever no render is under way: on Node 20 an enabled
 * `AsyncLocalStorage` installs promise hooks that stay for the life of the process and make every
 * `await` of every module (the ingest turn first) about 2.5 times as costly, so one dashboard page
 * served would tax the server's capacity until its restart (docs/scaling.md, "A served page and the
 * ingest turn"). Renders in flight are counted; the last one to finish disables the scope, and the
 * next `run` enables it again.
 */
const scope = new AsyncLocalStorage<I18n>();
const OUTSIDE = createI18n('en', DEFAULT_TIME_ZONE);
let rendering = 0;

function done(): void {
  rendering -= 1;
  if (rendering === 0) scope.disable();
}

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  typeof (v as { then?: unknown } | null)?.then === 'function';

export function runWithI18n<T>(i18n: I18n, fn: () => T): T {
  rendering += 1;
  let out: T;
  try {
    out = scope.run(i18n, fn);
  } catch (err) {
    done();
    throw err;
  }
  if (!isThenable(out)) {
    done();
    return out;
  }
  return Promise.resolve(out).finally(done) as T;
}

/** How many renders are under way (0: the scope, and its cost to every promise, is off). */
export function rendersInFlight(): number {
  return rendering;
}

export function i18n(): I18n {
  return scope.getStore() ?? OUTSIDE;
}

/** The message `key` in the current request's language. */
export function t(key: MessageKey, values?: MessageValues): string {
  return i18n().t(key, values);
}

/** Whether the catalogues have `key` (for words looked up from data: event kinds, states). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(CATALOGUES.en, key);
}

/**
 * A word for a value from the data: `word('event', 'door_opened')` → "sleutelkluis geopend";
 * an unknown value falls back to `<prefix>.other` when given, else to the value with spaces.
 */
export function word(prefix: string, value: string | undefined, fallback?: MessageKey): string {
  const key = `${prefix}.${value ?? ''}`;
  if (hasMessage(key)) return t(key);
  if (fallback && value === undefined) return t(fallback);
  return (value ?? (fallback ? t(fallback) : '')).replace(/_/g, ' ');
}
