// The responder's phone page (followup/README.md): accept or decline an alarm, ask for the key-safe
// code once accepted, and register this phone for Web Push through the service worker /app/sw.js.
import { csrf, refresh } from './app.js';

const post = (url, body) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-baken-csrf': csrf },
    body: JSON.stringify(body ?? {}),
  });

const REASONS = {
  no_consent: 'the client has not given you access to the key safe — ring the alarm centre',
  consent_alarm_only: 'the client lets you have the code only for an alarm you accepted',
  outside_window: 'it is outside the hours the client allows',
  alarm_not_accepted_by_you: 'this alarm is not assigned to you',
  alarm_not_assigned_to_team: 'this alarm is not assigned to your team',
  no_open_alarm: 'the alarm is no longer open',
  keysafe_blocked: 'the key safe is blocked — ring the alarm centre',
  person_blocked: 'your access is blocked — ring the alarm centre',
};

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
        ['', 'Your one-time code:'],
        ['code', String(j.code).replace(/(\d{4})(?=\d)/g, '$1 ')],
        ['code-window', `Valid ${hm(j.validFrom)}–${hm(j.validUntil)}. Works once.`],
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

async function enablePush() {
  const reg = await registerWorker();
  if (!reg || !('PushManager' in window)) return say('This browser cannot receive notifications.');
  if ((await Notification.requestPermission()) !== 'granted')
    return say('Notifications are not allowed for this site.');
  const { publicKey } = await (await fetch('/api/v1/push/key')).json();
  const key = Uint8Array.from(atob(publicKey.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  try {
    const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    const r = await post('/api/v1/push/subscriptions', {
      ...sub.toJSON(),
      label: navigator.userAgent.slice(0, 100),
    });
    say(r.ok ? 'Notifications are on for this phone.' : 'The server refused this phone.');
  } catch {
    say('The push service could not be reached; try again later.');
  }
}

document.getElementById('enable-push')?.addEventListener('click', () => enablePush());
registerWorker()
  .then((reg) => reg?.pushManager?.getSubscription())
  .then((sub) => {
    if (sub) say('Notifications are on for this phone.');
  })
  .catch(() => {});
