// Alarm inbox buttons: each posts one transition to the alarms API with the CSRF header, then
// refreshes the inbox. The API decides what is allowed; its error message is shown as is.
import { postAction, refresh, say } from './app.js';

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
    await postAction(`/api/v1/alarms/${encodeURIComponent(id)}/${encodeURIComponent(action)}`, body);
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
