// The Registry page's own steps that forms.js does not cover: the home choice of the device form
// kept up to date from the live region, the enrolment token shown once with the provision
// command, and the import of a CSV/JSON file with its per-row report. Every word comes from the
// server-rendered data-* attributes in the page's language.
import { csrf, refresh, say } from './app.js';

const fill = (template, values) => template.replace(/\{([a-z]+)\}/g, (_m, k) => String(values[k] ?? ''));

/** Copies the homes of the live region into every `select[data-options]`, keeping the choice. */
function syncOptions() {
  for (const select of document.querySelectorAll('select[data-options]')) {
    const source = document.getElementById(select.getAttribute('data-options') ?? '');
    if (!source) continue;
    const value = select.value;
    const first = select.options[0];
    select.replaceChildren(
      ...(first ? [first] : []),
      ...[...source.querySelectorAll('option')].map((o) => new Option(o.textContent ?? '', o.value)),
    );
    select.value = [...select.options].some((o) => o.value === value) ? value : '';
  }
}

async function api(url, init) {
  const r = await fetch(url, { credentials: 'same-origin', ...init });
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(data?.error?.message ?? `HTTP ${r.status}`);
  return data;
}

async function issueToken(button) {
  const panel = document.getElementById('registry-token');
  if (!panel) return;
  button.setAttribute('aria-busy', 'true');
  try {
    const home = button.getAttribute('data-token-home') ?? '';
    const tok = await api(`/api/v1/homes/${encodeURIComponent(home)}/enrolment-tokens`, {
      method: 'POST',
      headers: { 'x-baken-csrf': csrf },
    });
    const server = panel.getAttribute('data-server') || location.origin;
    const expires = new Date(tok.expiresAt).toLocaleString(document.documentElement.lang, {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: panel.getAttribute('data-time-zone') || undefined,
    });
    const address = button.getAttribute('data-address') ?? '';
    panel.querySelector('[data-token-title]').textContent = fill(panel.getAttribute('data-title') ?? '', {
      address,
    });
    panel.querySelector('[data-token-once]').textContent = fill(panel.getAttribute('data-once') ?? '', {
      expires,
    });
    panel.querySelector('[data-token-command]').textContent =
      `baken-gateway provision --server ${server} --token ${tok.token}`;
    panel.hidden = false;
    panel.scrollIntoView({ block: 'nearest' });
  } catch (e) {
    say(`${panel.getAttribute('data-fail') ?? '✗'} ${e instanceof Error ? e.message : e}`, 'error');
  } finally {
    button.removeAttribute('aria-busy');
  }
}

/** CSV as text/csv; JSON as `{ rows }` (a bare array is wrapped). */
function importBody(name, text) {
  const trimmed = text.trimStart();
  if (name.toLowerCase().endsWith('.json') || trimmed.startsWith('[') || trimmed.startsWith('{')) {
    const parsed = JSON.parse(text);
    return {
      type: 'application/json',
      body: JSON.stringify(Array.isArray(parsed) ? { rows: parsed } : parsed),
    };
  }
  return { type: 'text/csv', body: text };
}

async function runImport(form) {
  const report = document.getElementById('registry-import-report');
  const file = form.querySelector('input[type="file"]')?.files?.[0];
  if (!report || !file) return;
  const dryRun = form.querySelector('input[name="dryRun"]')?.checked === true;
  form.setAttribute('aria-busy', 'true');
  try {
    const { type, body } = importBody(file.name, await file.text());
    const r = await api(`/api/v1/import/devices?dryRun=${dryRun}`, {
      method: 'POST',
      headers: { 'x-baken-csrf': csrf, 'content-type': type },
      body,
    });
    const mode = r.dryRun ? 'data-mode-dry' : r.applied ? 'data-mode-applied' : 'data-mode-refused';
    report.querySelector('[data-import-summary]').textContent = fill(
      form.getAttribute('data-summary') ?? '',
      {
        ...r,
        mode: form.getAttribute(mode) ?? '',
        errors: r.errors.length,
      },
    );
    report.querySelector('[data-import-errors]').replaceChildren(
      ...r.errors.map((e) => {
        const li = document.createElement('li');
        const where = fill(form.getAttribute('data-row') ?? '', { row: e.row, serial: e.serial ?? '?' });
        li.textContent = `${where} ${e.errors.map((x) => `${x.field} ${x.message}`).join('; ')}`;
        return li;
      }),
    );
    report.hidden = false;
    report.setAttribute('data-applied', String(r.applied));
    if (r.applied) await refresh();
  } catch (e) {
    say(`${form.getAttribute('data-fail') ?? '✗'} ${e instanceof Error ? e.message : e}`, 'error');
  } finally {
    form.removeAttribute('aria-busy');
  }
}

document.addEventListener('click', (ev) => {
  const button = ev.target instanceof Element ? ev.target.closest('button[data-token-home]') : null;
  if (button) void issueToken(button);
});
document.addEventListener('submit', (ev) => {
  if (!(ev.target instanceof HTMLFormElement) || ev.target.id !== 'registry-import') return;
  ev.preventDefault();
  void runImport(ev.target);
});
document.addEventListener('baken:refreshed', syncOptions);
syncOptions();
