// The responder's phone page (followup/README.md): accept or decline an alarm, ask for the key-safe
// code once accepted, and register this phone for Web Push through the service worker /app/sw.js.
import { csrf, refresh } from './app.js';

const post = (url, body) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-baken-csrf': csrf },
    body: JSON.stringify(body ?? {}),
  });

/** This page's words in the reader's language, rendered by the server (`data-msgs`). */
const M = JSON.parse(document.getElementById('page-msgs')?.dataset.msgs ?? '{}');
const fill = (text, values) => String(text ?? '').replace(/\{(\w+)\}/g, (_m, k) => values[k] ?? '');

function show(box, kind, lines) {
  box.className = `code-result notice notice-${kind}`;
  box.replaceChildren(
    ...lines.map(([cls, text]) => {
      const p = document.createElement('p');
      if (cls) p.className = cls;
      p.textContent = text;
      return p;
    }),
  );
  box.hidden = false;
  box.scrollIntoView({ block: 'start' });
}

async function requestCode(button) {
  const box = document.getElementById('code-result');
  button.disabled = true;
  try {
    const r = await post('/api/v1/access/requests', {
      homeId: button.dataset.homeId,
      situation: 'alarm',
      alarmId: button.dataset.alarmId,
    });
    const j = await r.json().catch(() => ({}));
    if (r.status === 201) {
      const hm = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
      show(box, 'ok', [
        ['', M.codeIntro],
        ['code', String(j.code).replace(/(\d{4})(?=\d)/g, '$1 ')],
        ['code-window', fill(M.codeWindow, { from: hm(j.validFrom), to: hm(j.validUntil) })],
      ]);
    } else {
      const reason = j?.error?.details?.[0]?.message;
      show(box, 'error', [
        ['refusal', `No code: ${REASONS[reason] ?? j?.error?.message ?? `HTTP ${r.status}`}.`],
      ]);
    }
  } finally {
    button.disabled = false;
  }
}

async function answer(button) {
  button.disabled = true;
  const r = await post(
    `/api/v1/followup/alarms/${encodeURIComponent(button.dataset.alarmId)}/${button.dataset.offerAction}`,
  );
  if (!r.ok) {
    const j = await r.json().catch(() => ({}));
    const li = button.closest('li');
    const p = document.createElement('p');
    p.className = 'notice notice-error';
    p.setAttribute('role', 'alert');
    p.textContent = j?.error?.message ?? `HTTP ${r.status}`;
    li?.append(p);
  }
  await refresh();
}

document.addEventListener('click', (ev) => {
  const t = ev.target instanceof Element ? ev.target : null;
  const action = t?.closest('button[data-offer-action]');
  if (action) answer(action);
  const code = t?.closest('button[data-request-code]');
  if (code) requestCode(code);
});

const state = document.getElementById('push-state');
const say = (text) => {
  if (state) state.textContent = text;
};

async function registerWorker() {
  if (!('serviceWorker' in navigator)) return null;
  return navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' });
}

/** This device's subscription, with the page's language: notifications come in the language read here. */
const subscription = (sub) => ({
  ...sub.toJSON(),
  label: navigator.userAgent.slice(0, 100),
  lang: document.documentElement.lang === 'en' ? 'en' : 'nl',
});

async function enablePush() {
  const reg = await registerWorker();
  if (!reg || !('PushManager' in window)) return say(M.pushUnsupported);
  if ((await Notification.requestPermission()) !== 'granted') return say(M.pushDenied);
  const { publicKey } = await (await fetch('/api/v1/push/key')).json();
  const key = Uint8Array.from(atob(publicKey.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  try {
    const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    const r = await post('/api/v1/push/subscriptions', subscription(sub));
    say(r.ok ? M.pushOn : M.pushRefused);
  } catch {
    say(M.pushUnreachable);
  }
}

document.getElementById('enable-push')?.addEventListener('click', () => enablePush());
registerWorker()
  .then((reg) => reg?.pushManager?.getSubscription())
  .then((sub) => {
    if (!sub) return;
    say(M.pushOn);
    // the person may have changed the page's language since: the server follows it
    post('/api/v1/push/subscriptions', subscription(sub)).catch(() => {});
  })
  .catch(() => {});
