// Login: posts the form as JSON to the auth API (which sets the session cookie), then lets `/`
// send the user to the page they came from — only ever a local /app/ path, and only one their
// role may open — or else to their role's own first page.
import { bakenT } from './app.js';

const form = document.getElementById('login-form');
const error = document.getElementById('login-error');

form?.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const data = new FormData(form);
  const button = form.querySelector('button[type="submit"]');
  if (button) button.disabled = true;
  if (error) error.hidden = true;
  try {
    const r = await fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: data.get('username'), password: data.get('password') }),
    });
    if (r.ok) {
      const next = new URLSearchParams(location.search).get('next') ?? '';
      location.assign(/^\/app\/[A-Za-z0-9/_%-]*$/.test(next) ? `/?next=${encodeURIComponent(next)}` : '/');
      return;
    }
    const body = await r.json().catch(() => ({}));
    const code = body?.error?.code;
    throw new Error(
      code === 'BAKEN_ERR_UNAUTHENTICATED'
        ? bakenT('js.loginWrong')
        : code === 'BAKEN_ERR_RATE_LIMITED'
          ? bakenT('js.loginLimited')
          : (body?.error?.message ?? bakenT('js.loginFailedHttp', { status: r.status })),
    );
  } catch (e) {
    if (error) {
      error.textContent = e instanceof Error ? e.message : bakenT('js.loginFailed');
      error.hidden = false;
    }
  } finally {
    if (button) button.disabled = false;
  }
});
