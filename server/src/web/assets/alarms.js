// Alarm inbox actions: each posts one transition to the alarms API with the CSRF header, then
// refreshes the inbox. The API decides what is allowed; its error message is shown as is.
// The assign form (admin/monitor) posts `{ teamId, userId? }` [REQUIREMENTS §9.5].
import { bakenT, postAction, refresh, say } from './app.js';

async function me() {
  const r = await fetch('/api/v1/auth/me', { headers: { accept: 'application/json' } });
  return r.ok ? (await r.json()).user : null;
}

const actionUrl = (id, action) => `/api/v1/alarms/${encodeURIComponent(id)}/${encodeURIComponent(action)}`;

document.addEventListener('click', async (ev) => {
  const button = ev.target instanceof Element ? ev.target.closest('button[data-action]') : null;
  if (!button) return;
  const id = button.getAttribute('data-alarm-id') ?? '';
  const action = button.getAttribute('data-action') ?? '';
  button.disabled = true;
  try {
    const body = action === 'assign' ? { userId: (await me())?.id } : {};
    await postAction(actionUrl(id, action), body);
    say(bakenT('js.done', { action: button.textContent?.trim() ?? action }), 'ok');
    await refresh();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    say(
      bakenT('js.couldNot', { action: button.textContent?.trim().toLowerCase() ?? action, message }),
      'error',
    );
    button.disabled = false;
  }
});

/** Only the members of the chosen team can be picked; a member of another team is cleared. */
function narrowMembers(form) {
  const team = form.elements.namedItem('teamId')?.value ?? '';
  const member = form.elements.namedItem('userId');
  if (!member) return;
  for (const o of member.options) {
    if (!o.value) continue;
    const inTeam = team !== '' && (o.getAttribute('data-teams') ?? '').split(' ').includes(team);
    o.hidden = !inTeam;
    o.disabled = !inTeam;
    if (!inTeam && o.selected) member.value = '';
  }
}

const assignForms = () => document.querySelectorAll('form[data-assign-alarm]');
for (const f of assignForms()) narrowMembers(f);
document.addEventListener('baken:refreshed', () => {
  for (const f of assignForms()) narrowMembers(f);
});

document.addEventListener('change', (ev) => {
  const form = ev.target instanceof Element ? ev.target.closest('form[data-assign-alarm]') : null;
  if (form && ev.target.getAttribute('name') === 'teamId') narrowMembers(form);
});

document.addEventListener('submit', async (ev) => {
  const form =
    ev.target instanceof HTMLFormElement && ev.target.matches('form[data-assign-alarm]') ? ev.target : null;
  if (!form) return;
  ev.preventDefault();
  const id = form.getAttribute('data-assign-alarm') ?? '';
  const teamSelect = form.elements.namedItem('teamId');
  const userSelect = form.elements.namedItem('userId');
  const teamId = teamSelect?.value ?? '';
  const userId = userSelect?.value ?? '';
  if (!teamId) {
    say(bakenT('js.chooseTeam'), 'error');
    teamSelect?.focus();
    return;
  }
  const button = form.querySelector('button[type="submit"]');
  if (button) button.disabled = true;
  const who = [
    teamSelect.selectedOptions[0]?.textContent,
    userId ? userSelect.selectedOptions[0]?.textContent : '',
  ]
    .filter(Boolean)
    .join(', ');
  try {
    await postAction(actionUrl(id, 'assign'), userId ? { teamId, userId } : { teamId });
    say(bakenT('js.assignedTo', { who }), 'ok');
    await refresh();
  } catch (e) {
    say(bakenT('js.couldNotAssign', { message: e instanceof Error ? e.message : String(e) }), 'error');
    if (button) button.disabled = false;
  }
});
