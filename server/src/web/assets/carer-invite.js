// Accepting an informal carer's invitation (followup/README.md): the token comes from the link's
// fragment and is removed from the address bar at once; then the carer logs in and lands on their page.
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
if (location.hash) history.replaceState(null, '', location.pathname);
const form = document.getElementById('carer-invite');
const out = document.getElementById('invite-result');
if (!token && out) out.textContent = form?.dataset.msgNoToken ?? '';

form?.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const username = form.elements.username.value.trim();
  const password = form.elements.password.value;
  const r = await fetch('/api/v1/carer-invitations/accept', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, username, password }),
  });
  const j = await r.json().catch(() => ({}));
  if (r.status !== 201) {
    if (out) out.textContent = j?.error?.message ?? `HTTP ${r.status}`;
    return;
  }
  const login = await fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  location.assign(login.ok ? '/app/respond' : '/login');
});
