// Access page: the acknowledge button posts to the access alert API with the CSRF header, then
// refreshes the live region. The API decides who may acknowledge; its message is shown as is.
import { csrf, refresh } from './app.js';

const status = document.getElementById('action-status');

function say(text, kind) {
  if (!status) return;
  status.textContent = text;
  status.className = `notice notice-${kind}`;
  status.hidden = false;
}

document.addEventListener('click', async (ev) => {
  const button = ev.target instanceof Element ? ev.target.closest('button[data-ack-alert]') : null;
  if (!button) return;
  const id = button.getAttribute('data-ack-alert') ?? '';
  button.disabled = true;
  try {
    const r = await fetch(`/api/v1/access/alerts/${encodeURIComponent(id)}/ack`, {
      method: 'POST',
      headers: { 'x-baken-csrf': csrf },
    });
    if (!r.ok) {
      const err = await r.json().catch(() => ({}));
      throw new Error(err?.error?.message ?? `HTTP ${r.status}`);
    }
    say('Alert acknowledged.', 'ok');
    await refresh();
  } catch (e) {
    say(`Could not acknowledge: ${e instanceof Error ? e.message : e}`, 'error');
    button.disabled = false;
  }
});
