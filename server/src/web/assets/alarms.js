// Alarm inbox buttons: each posts one transition to the alarms API with the CSRF header, then
// refreshes the inbox. The API decides what is allowed; its error message is shown as is.
import { csrf, refresh } from './app.js';

const status = document.getElementById('action-status');

function say(text, kind) {
  if (!status) return;
  status.textContent = text;
  status.className = `notice notice-${kind}`;
  status.hidden = false;
}

async function me() {
  const r = await fetch('/api/v1/auth/me', { headers: { accept: 'application/json' } });
  return r.ok ? (await r.json()).user : null;
}

document.addEventListener('click', async (ev) => {
  const button = ev.target instanceof Element ? ev.target.closest('button[data-action]') : null;
  if (!button) return;
  const id = button.getAttribute('data-alarm-id') ?? '';
  const action = button.getAttribute('data-action') ?? '';
  button.disabled = true;
  try {
    const body = action === 'assign' ? { userId: (await me())?.id } : {};
    const r = await fetch(`/api/v1/alarms/${encodeURIComponent(id)}/${encodeURIComponent(action)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-baken-csrf': csrf },
      body: JSON.stringify(body),
    });
    if (!r.ok) {
      const err = await r.json().catch(() => ({}));
      throw new Error(err?.error?.message ?? `HTTP ${r.status}`);
    }
    say(`Done: ${button.textContent?.trim() ?? action}.`, 'ok');
    await refresh();
  } catch (e) {
    say(
      `Could not ${button.textContent?.trim().toLowerCase() ?? action}: ${e instanceof Error ? e.message : e}`,
      'error',
    );
    button.disabled = false;
  }
});
