// Shared page script: live updates over SSE, the live/reconnecting indicator, local times,
// ticking alarm timers and logout. No data is turned into markup here: refreshed content is
// server-rendered (and escaped) HTML for the live region.

const STREAM_URL = '/api/v1/stream';

/** The page's `js.*` messages (the layout's JSON block): `bakenT('js.done', { action })`. */
const MESSAGES = JSON.parse(
  document.querySelector('meta[name="baken-messages"]')?.getAttribute('content') || '{}',
);
export function bakenT(key, values = {}) {
  return (MESSAGES[key] ?? key).replace(/\{(\w+)\}/g, (_, k) => String(values[k] ?? ''));
}
/** Domain events the health/alarms API streams; any of them refreshes the live region. */
const EVENT_NAMES = [
  'alarm.created',
  'alarm.updated',
  'alarm.closed',
  'incident.opened',
  'incident.closed',
  'device.updated',
  'gateway.updated',
  'health.updated',
  'budget.alert',
  'access.alert',
  'warning.opened',
  'warning.closed',
  'state.changed',
  'resync',
];
const POLL_MS_WHEN_DOWN = 15_000;
/** Even with the stream open: states that change by the passing of time (late, budget burn). */
const REFRESH_MS_WHEN_LIVE = 60_000;
const TARGET_MS = 30 * 60_000;

const live = document.getElementById('live');
const streamMissing = live?.dataset.stream === 'missing';
let streamOpen = false;
const region = () => document.getElementById('live-region');
const csrf = document.querySelector('meta[name="baken-csrf"]')?.getAttribute('content') ?? '';
/** Server time minus browser time, from the last render, so timers follow the server's clock. */
let skewMs = 0;
let lastUpdate = 0;
let state = 'connecting';

const two = (n) => String(n).padStart(2, '0');
const lang = document.documentElement.lang || 'nl';
/** Times in the home's time zone, as the server renders them (the `title` of `#updated-at`). */
const zone = document.getElementById('updated-at')?.getAttribute('title') || undefined;
const clock = (ms) =>
  new Date(ms).toLocaleTimeString(lang === 'nl' ? 'nl-NL' : 'en-GB', { timeZone: zone, hourCycle: 'h23' });
const duration = (ms) => {
  const s = Math.max(0, Math.round(ms / 1000));
  const hour = lang === 'nl' ? 'u' : 'h';
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} ${hour} ${two(m % 60)} min` : `${Math.floor(h / 24)} d ${h % 24} ${hour}`;
};

/**
 * Indicator states: live (stream open), reconnecting (stream lost, polling meanwhile), polling
 * (this server has no stream), offline (the last refresh failed). Only "live" claims currency;
 * every other state says how old the data is.
 */
function setState(next) {
  // Screen readers hear state changes only, not the ageing counter.
  const announce = document.getElementById('live-announce');
  if (announce && next !== state)
    announce.textContent = next === 'live' ? bakenT('js.liveOn') : bakenT('js.updates', { state: next });
  state = next;
  if (!live) return;
  live.dataset.state = next;
  const text = live.querySelector('.live-text');
  const age = lastUpdate ? duration(Date.now() + skewMs - lastUpdate) : '';
  const labels = {
    live: bakenT('js.live'),
    connecting: bakenT('js.connecting'),
    reconnecting: bakenT('js.reconnecting', { age }),
    polling: bakenT('js.polling', { s: POLL_MS_WHEN_DOWN / 1000, age }),
    offline: bakenT('js.offline', { age }),
  };
  if (text) text.textContent = labels[next] ?? next;
  document.body.classList.toggle('is-stale', next !== 'live');
}

function markUpdated(serverNow) {
  lastUpdate = serverNow;
  skewMs = serverNow - Date.now();
  const t = document.getElementById('updated-at');
  if (t) {
    t.setAttribute('datetime', new Date(serverNow).toISOString());
    t.textContent = clock(serverNow);
  }
}

function tickTimers() {
  const now = Date.now() + skewMs;
  for (const el of document.querySelectorAll('[data-elapsed-since]')) {
    const since = Number(el.getAttribute('data-elapsed-since'));
    const elapsed = now - since;
    const over = elapsed > TARGET_MS;
    const label = el.getAttribute('data-label') ?? '';
    const text = el.querySelector('.target-text');
    if (text)
      text.textContent = bakenT(over ? 'js.targetOver' : 'js.targetRunning', {
        label,
        duration: duration(elapsed),
      });
    el.classList.toggle('target-over', over);
    const bar = el.querySelector('progress');
    if (bar) bar.value = Math.min(30, Math.floor(elapsed / 60_000));
  }
  if (state !== 'live') setState(state);
}

const baseTitle = document.title;
/** `(2) Alarm inbox · Baken`: open alarms visible from another tab. */
function updateTitle() {
  const n = document.querySelector('[data-open-alarms]')?.getAttribute('data-open-alarms');
  document.title = n && n !== '0' ? `(${n}) ${baseTitle}` : baseTitle;
}

let refreshing = false;
let again = false;
/** Re-fetches the server-rendered live region of this page and swaps it in. */
export async function refresh() {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  try {
    const url = new URL(location.href);
    url.searchParams.set('partial', '1');
    const r = await fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } });
    if (r.status === 401) {
      location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
      return;
    }
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
    const fresh = doc.getElementById('live-region');
    const cur = region();
    if (fresh && cur) {
      // A choice being made in a select (e.g. the team of an alarm) survives the live refresh.
      const kept = [...cur.querySelectorAll('select[id]')].map((el) => [el.id, el.value]);
      const focused =
        document.activeElement?.id && cur.contains(document.activeElement) ? document.activeElement.id : '';
      cur.replaceChildren(...fresh.childNodes);
      for (const [id, value] of kept) {
        const el = document.getElementById(id);
        if (el instanceof HTMLSelectElement && [...el.options].some((o) => o.value === value))
          el.value = value;
      }
      if (focused) document.getElementById(focused)?.focus();
      markUpdated(Number(fresh.dataset.updatedAt));
      tickTimers();
      document.dispatchEvent(new CustomEvent('baken:refreshed'));
      updateTitle();
      setState(streamMissing ? 'polling' : streamOpen ? 'live' : 'reconnecting');
    }
  } catch {
    setState('offline');
  } finally {
    refreshing = false;
    if (again) {
      again = false;
      void refresh();
    }
  }
}

let pending = 0;
const scheduleRefresh = () => {
  clearTimeout(pending);
  pending = setTimeout(() => void refresh(), 250);
};

let pollTimer = 0;
/** The last event seen: a new EventSource resumes after it (`?lastEventId=`, server replays). */
let lastEventId = '';
const seen = (e) => {
  if (e.lastEventId) lastEventId = e.lastEventId;
  scheduleRefresh();
};
function connect() {
  const es = new EventSource(
    lastEventId ? `${STREAM_URL}?lastEventId=${encodeURIComponent(lastEventId)}` : STREAM_URL,
  );
  es.onopen = () => {
    streamOpen = true;
    clearInterval(pollTimer);
    pollTimer = 0;
    // Anything may have changed while we were away.
    if (state !== 'connecting') scheduleRefresh();
    setState('live');
  };
  es.onmessage = seen;
  for (const name of EVENT_NAMES) es.addEventListener(name, seen);
  es.onerror = () => {
    streamOpen = false;
    setState('reconnecting');
    // While the stream is down the page still refreshes, and says it is not live.
    if (!pollTimer) pollTimer = setInterval(() => void refresh(), POLL_MS_WHEN_DOWN);
    if (es.readyState === EventSource.CLOSED) setTimeout(connect, 5_000);
  };
}

// The browser knows first when the network is gone; say so at once, refresh when it is back.
window.addEventListener('offline', () => setState('offline'));
window.addEventListener('online', () => scheduleRefresh());

// The header's "Manage" menu closes as a menu does: on a click elsewhere, and on Escape (focus goes
// back to its summary so a keyboard user is where they were).
const openMenus = () => document.querySelectorAll('.nav-more details[open]');
document.addEventListener('click', (e) => {
  for (const d of openMenus()) if (!d.contains(e.target)) d.open = false;
});
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape') return;
  for (const d of openMenus()) {
    d.open = false;
    d.querySelector('summary')?.focus();
  }
});

document.getElementById('logout')?.addEventListener('click', async () => {
  await fetch('/api/v1/auth/logout', { method: 'POST', headers: { 'x-baken-csrf': csrf } }).catch(
    () => undefined,
  );
  location.assign('/login');
});

if (region()) {
  markUpdated(Number(region()?.dataset.updatedAt) || Date.now());
  tickTimers();
  updateTitle();
  setInterval(tickTimers, 5_000);
  if (live && streamMissing) {
    setState('polling');
    pollTimer = setInterval(() => void refresh(), POLL_MS_WHEN_DOWN);
  } else if (live) {
    connect();
    setInterval(() => {
      if (state === 'live') void refresh();
    }, REFRESH_MS_WHEN_LIVE);
  }
}

/** Shows a one-line outcome in the page's `#action-status` notice (`kind`: ok | error). */
export function say(text, kind) {
  const status = document.getElementById('action-status');
  if (!status) return;
  status.textContent = text;
  status.className = `notice notice-${kind}`;
  status.hidden = false;
}

/**
 * POSTs one action with the CSRF header (and `body` as JSON when given); a non-2xx answer throws
 * with the API's own error message.
 */
export async function postAction(url, body) {
  const headers = { 'x-baken-csrf': csrf };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(url, {
    method: 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) {
    const err = await r.json().catch(() => ({}));
    throw new Error(err?.error?.message ?? `HTTP ${r.status}`);
  }
}

export { csrf };
