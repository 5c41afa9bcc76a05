// Care worker's key safe code page: asks the access API for a one-time code and shows
// it with its window, or the refusal in plain words. The code is kept only in this page's DOM.
import { bakenT, csrf } from './app.js';

/**
 * Deny reasons are stable API values (access/README.md) and error codes; the words a worker
 * reads are `js.reason.<value>` in the catalogues.
 */
const reasonText = (key) => {
  const text = bakenT(`js.reason.${key}`);
  return text === `js.reason.${key}` ? undefined : text;
};

const out = document.getElementById('code-result');
const lang = document.documentElement.lang === 'en' ? 'en-GB' : 'nl-NL';
const zone = document.getElementById('updated-at')?.getAttribute('title') || undefined;
const hm = (ms) =>
  new Date(ms).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit', timeZone: zone });

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function show(kind, children) {
  if (!out) return;
  out.className = `notice notice-${kind} code-result`;
  out.replaceChildren(...children);
  out.hidden = false;
  out.scrollIntoView({ block: 'start' });
}

async function request(body, button) {
  if (button) button.disabled = true;
  show('unavailable', [el('p', '', bakenT('js.askingCode'))]);
  try {
    const r = await fetch('/api/v1/access/requests', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-baken-csrf': csrf },
      body: JSON.stringify(body),
    });
    const j = await r.json().catch(() => ({}));
    if (r.status === 201) {
      const minutes = Math.round((j.validUntil - j.validFrom) / 60_000);
      show('ok', [
        el('p', '', bakenT('js.yourCode')),
        el('p', 'code', String(j.code).replace(/(\d{4})(?=\d)/g, '$1 ')),
        el(
          'p',
          'code-window',
          bakenT('js.codeWindow', { from: hm(j.validFrom), until: hm(j.validUntil), minutes }),
        ),
        el('p', 'muted', bakenT(j.delivery === 'offline' ? 'js.codeOffline' : 'js.codeSent')),
      ]);
      return;
    }
    const reason = j?.error?.details?.[0]?.message;
    const text =
      (reason && reasonText(reason)) ?? reasonText(j?.error?.code) ?? j?.error?.message ?? `HTTP ${r.status}`;
    show('error', [el('p', 'refusal', bakenT('js.noCode', { reason: text }))]);
  } catch {
    show('error', [el('p', 'refusal', bakenT('js.noServer'))]);
  } finally {
    if (button) button.disabled = false;
  }
}

document.addEventListener('click', (ev) => {
  const b = ev.target instanceof Element ? ev.target.closest('button[data-request-code]') : null;
  if (!b) return;
  void request(
    {
      homeId: b.getAttribute('data-home-id') ?? '',
      situation: b.getAttribute('data-situation') ?? 'alarm',
      alarmId: b.getAttribute('data-alarm-id') || undefined,
    },
    b,
  );
});

document.getElementById('planned')?.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const form = ev.currentTarget;
  const homeId = new FormData(form).get('homeId');
  if (typeof homeId === 'string' && homeId)
    void request({ homeId, situation: 'planned_care' }, form.querySelector('button'));
});
