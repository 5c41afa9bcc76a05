// Care worker's key safe code page: asks the access API for a one-time code and shows
// it with its window, or the refusal in plain words. The code is kept only in this page's DOM.
import { csrf } from './app.js';

/** Deny reasons are stable API values (access/README.md); these are the words a worker reads. */
const REASONS = {
  person_disabled: 'your account cannot get codes',
  person_expired: 'your temporary access has ended',
  no_declaration: 'no signed declaration is recorded for you yet',
  person_blocked: 'your access is blocked — call the alarm centre',
  keysafe_blocked: 'this key safe is blocked — call the alarm centre',
  no_function_for_situation: 'your function does not give access in this situation',
  team_not_serving_client: 'your team does not serve this client',
  team_blocked: 'your team is blocked — call the alarm centre',
  outside_window: 'it is outside your access hours for this client',
  no_open_alarm: 'there is no open alarm at this home',
  alarm_not_assigned_to_team: 'the alarm is not assigned to your team',
};
const CODES = {
  BAKEN_ERR_RATE_LIMITED: 'too many requests in a short time — wait a few minutes or call the alarm centre',
  BAKEN_ERR_KEYSAFE_UNAVAILABLE: 'this home has no usable key safe — call the alarm centre',
};

const out = document.getElementById('code-result');
const hm = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

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
  show('unavailable', [el('p', '', 'Asking for a code…')]);
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
        el('p', '', 'Your one-time code:'),
        el('p', 'code', String(j.code).replace(/(\d{4})(?=\d)/g, '$1 ')),
        el('p', 'code-window', `Valid ${hm(j.validFrom)}–${hm(j.validUntil)} (${minutes} min). Works once.`),
        el(
          'p',
          'muted',
          j.delivery === 'offline'
            ? 'The key safe is not reachable now: this code is checked by the key safe itself.'
            : 'The key safe has your code.',
        ),
      ]);
      return;
    }
    const reason = j?.error?.details?.[0]?.message;
    const text = REASONS[reason] ?? CODES[j?.error?.code] ?? j?.error?.message ?? `HTTP ${r.status}`;
    show('error', [el('p', 'refusal', `No code: ${text}.`)]);
  } catch {
    show('error', [el('p', 'refusal', 'No code: the server cannot be reached. Call the alarm centre.')]);
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
