// The client's carers page (followup/README.md): add a carer (the invitation link is shown once),
// change the order, remove, and give or withdraw key-safe access. Every change re-renders the page.
import { csrf, refresh } from './app.js';

const call = (method, url, body) =>
  fetch(url, {
    method,
    headers: { 'content-type': 'application/json', 'x-baken-csrf': csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const ALL_DAY = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, fromMinute: 0, toMinute: 1440 }));
const DAYTIME = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, fromMinute: 480, toMinute: 1320 }));

function showInvitation(url, expiresAt) {
  const box = document.getElementById('invitation');
  if (!box) return;
  const p = document.createElement('p');
  const msg = document.getElementById('add-carer')?.dataset.msgInvitation ?? '{until}';
  p.textContent = msg.replace(
    '{until}',
    new Date(expiresAt).toLocaleString(document.documentElement.lang || undefined),
  );
  const link = document.createElement('input');
  link.readOnly = true;
  link.value = new URL(url, location.origin).href;
  link.id = 'invitation-link';
  link.addEventListener('focus', () => link.select());
  box.replaceChildren(p, link);
  box.className = 'notice notice-ok';
  box.hidden = false;
}

document.getElementById('add-carer')?.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = ev.currentTarget;
  const body = { name: f.elements.name.value.trim() };
  if (f.elements.relation.value.trim()) body.relation = f.elements.relation.value.trim();
  const r = await call('POST', `/api/v1/clients/${encodeURIComponent(f.dataset.clientId)}/carers`, body);
  if (r.status === 201) {
    const j = await r.json();
    f.reset();
    showInvitation(j.invitation.url, j.invitation.expiresAt);
  }
  await refresh();
});

document.addEventListener('click', async (ev) => {
  const t = ev.target instanceof Element ? ev.target : null;
  const li = t?.closest('li[data-carer-id]');
  const btn = t?.closest('button');
  if (li && btn) {
    const base = `/api/v1/clients/${encodeURIComponent(btn.dataset.clientId)}/carers`;
    if (btn.hasAttribute('data-carer-move')) {
      const ids = [...document.querySelectorAll('li[data-carer-id]')].map((x) => x.dataset.carerId);
      const i = ids.indexOf(li.dataset.carerId);
      const j = i + Number(btn.dataset.carerMove);
      [ids[i], ids[j]] = [ids[j], ids[i]];
      await call('PUT', `${base}/order`, { carerIds: ids });
    } else if (btn.hasAttribute('data-carer-remove')) {
      await call('DELETE', `${base}/${encodeURIComponent(li.dataset.carerId)}`);
    } else if (btn.hasAttribute('data-carer-invite')) {
      const r = await call('POST', `${base}/${encodeURIComponent(li.dataset.carerId)}/invitation`);
      if (r.status === 201) {
        const j = await r.json();
        showInvitation(j.url, j.expiresAt);
      }
    }
    await refresh();
    return;
  }
  const fs = t?.closest('fieldset[data-user-id]');
  if (fs && t?.closest('button[data-consent-save]')) {
    const choice = fs.querySelector('input[type="radio"]:checked')?.value ?? 'never';
    const url = `/api/v1/homes/${encodeURIComponent(fs.dataset.homeId)}/carer-access/${encodeURIComponent(fs.dataset.userId)}`;
    if (choice === 'never') await call('DELETE', url);
    else await call('PUT', url, { windows: choice === 'always' ? ALL_DAY : DAYTIME, alarmOnly: true });
    await refresh();
  }
});
