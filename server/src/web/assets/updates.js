// Rollout actions on the Updates page: pause, resume, abort post to the updates API with the CSRF
// header, then refresh the page's live region. The API decides what is allowed; its message is shown.
import { postAction, refresh, say } from './app.js';

document.addEventListener('click', async (ev) => {
  const button = ev.target instanceof Element ? ev.target.closest('button[data-rollout-action]') : null;
  if (!button) return;
  const id = button.getAttribute('data-rollout-id') ?? '';
  const action = button.getAttribute('data-rollout-action') ?? '';
  if (action === 'abort' && !window.confirm('Abort this rollout? Nothing more will be offered.')) return;
  button.disabled = true;
  try {
    await postAction(`/api/v1/updates/rollouts/${encodeURIComponent(id)}/${encodeURIComponent(action)}`);
    say(`Done: ${button.textContent?.trim() ?? action}.`, 'ok');
    await refresh();
  } catch (e) {
    say(`Could not ${action}: ${e instanceof Error ? e.message : e}`, 'error');
    button.disabled = false;
  }
});
