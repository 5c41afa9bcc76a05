// The chain editor (followup/README.md): rows of steps, saved as one PUT; the server checks them.
import { csrf, refresh } from './app.js';

const form = () => document.getElementById('chain-form');
const say = (t) => {
  const out = document.getElementById('chain-result');
  if (out) out.textContent = t;
};

function steps() {
  return [...form().querySelectorAll('li.chain-step')].map((li) => {
    const kind = li.querySelector('[name="kind"]').value;
    const minutes = Number(li.querySelector('[name="minutes"]').value);
    if (kind === 'informal_carers') return { kind, minutesEach: minutes };
    if (kind === 'care_team') return { kind, teamId: li.querySelector('[name="teamId"]').value, minutes };
    return { kind };
  });
}

async function save(body) {
  const r = await fetch(`/api/v1/homes/${encodeURIComponent(form().dataset.homeId)}/followup-chain`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-baken-csrf': csrf },
    body: JSON.stringify(body),
  });
  const j = await r.json().catch(() => ({}));
  if (!r.ok) return say(j?.error?.message ?? `HTTP ${r.status}`);
  await refresh();
  say(form()?.dataset.msgSaved ?? '');
}

document.addEventListener('click', (ev) => {
  const t = ev.target instanceof Element ? ev.target : null;
  if (!t) return;
  if (t.id === 'add-step') {
    const tpl = document.getElementById('step-template');
    form().querySelector('ol.chain-steps').append(tpl.content.cloneNode(true));
  } else if (t.closest('[data-step-remove]')) t.closest('li')?.remove();
  else if (t.id === 'clear-chain') save({ steps: null });
});
document.addEventListener('submit', (ev) => {
  if (ev.target?.id !== 'chain-form') return;
  ev.preventDefault();
  save({ steps: steps() });
});
