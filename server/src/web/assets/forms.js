// Management forms and buttons that call the API, for the screens of tasks that were API-only.
// A `<form data-api="/api/v1/…" data-method="POST">` sends its named fields as JSON; a
// `<button data-api="…" data-method="PATCH" data-body='{"disabled":true}'>` sends its fixed body.
// Field types: `data-type="int"` a whole number, `data-type="date-ms"` a date/time input as epoch
// ms, checkboxes a boolean, `data-type="csv"` a comma-separated list. An empty optional field is
// left out (`data-null-if-empty` sends null instead). `{name}` in the URL takes a field's value.
// The server renders the messages (`data-ok`, `data-confirm`) in the page's language; the API's own
// error message is shown as it is. After success the live region is refreshed.
import { csrf, refresh, say } from './app.js';

function fieldValue(el) {
  const type = el.getAttribute('data-type');
  if (el.type === 'checkbox') return el.checked;
  const raw = el.value.trim();
  if (raw === '') return el.hasAttribute('data-null-if-empty') ? null : undefined;
  if (type === 'int') return Number.parseInt(raw, 10);
  if (type === 'date-ms') return new Date(raw).getTime();
  if (type === 'csv')
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  return raw;
}

function formBody(form) {
  const body = {};
  for (const el of form.querySelectorAll('input[name], select[name], textarea[name]')) {
    if (el.disabled) continue;
    const v = fieldValue(el);
    if (v !== undefined) body[el.name] = v;
  }
  return body;
}

async function send(method, url, body) {
  const headers = { 'x-baken-csrf': csrf };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) {
    const err = await r.json().catch(() => ({}));
    throw new Error(err?.error?.message ?? `HTTP ${r.status}`);
  }
}

async function run(el, url, body) {
  const question = el.getAttribute('data-confirm');
  if (question && !window.confirm(question)) return;
  const method = el.getAttribute('data-method') ?? 'POST';
  el.setAttribute('aria-busy', 'true');
  try {
    await send(method, url, body);
    say(el.getAttribute('data-ok') ?? '✓', 'ok');
    if (el instanceof HTMLFormElement && !el.hasAttribute('data-keep')) el.reset();
    await refresh();
  } catch (e) {
    say(`${el.getAttribute('data-fail') ?? '✗'} ${e instanceof Error ? e.message : e}`, 'error');
  } finally {
    el.removeAttribute('aria-busy');
  }
}

const fill = (template, body) =>
  template.replace(/\{([A-Za-z]+)\}/g, (_m, k) => {
    const v = body[k];
    delete body[k];
    return encodeURIComponent(String(v ?? ''));
  });

document.addEventListener('submit', (ev) => {
  const form = ev.target instanceof HTMLFormElement && ev.target.matches('form[data-api]') ? ev.target : null;
  if (!form) return;
  ev.preventDefault();
  const body = formBody(form);
  void run(form, fill(form.getAttribute('data-api') ?? '', body), body);
});

document.addEventListener('click', (ev) => {
  const button = ev.target instanceof Element ? ev.target.closest('button[data-api]') : null;
  if (!button || button.closest('form[data-api]')) return;
  const raw = button.getAttribute('data-body');
  void run(button, button.getAttribute('data-api') ?? '', raw ? JSON.parse(raw) : undefined);
});
