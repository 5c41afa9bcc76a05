// Access page: the acknowledge button posts to the access alert API with the CSRF header, then
// refreshes the live region. The API decides who may acknowledge; its message is shown as is.
import { bakenT, postAction, refresh, say } from './app.js';

document.addEventListener('click', async (ev) => {
  const button = ev.target instanceof Element ? ev.target.closest('button[data-ack-alert]') : null;
  if (!button) return;
  const id = button.getAttribute('data-ack-alert') ?? '';
  button.disabled = true;
  try {
    await postAction(`/api/v1/access/alerts/${encodeURIComponent(id)}/ack`);
    say(bakenT('js.alertAcked'), 'ok');
    await refresh();
  } catch (e) {
    say(bakenT('js.couldNotAck', { message: e instanceof Error ? e.message : String(e) }), 'error');
    button.disabled = false;
  }
});
