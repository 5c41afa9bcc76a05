// Management forms and buttons that call the API, for the screens of tasks that were API-only.
// A `<form data-api="/api/v1/…" data-method="POST">` sends its named fields as JSON (form-body.js:
// field types, nested names, lists of items); a `<button data-api="…" data-method="PATCH"
// data-body='{"disabled":true}'>` sends its fixed body. `{name}` in the URL takes a field's value.
// The server renders the messages (`data-ok`, `data-confirm`) in the page's language. A failure is
// said in words with its code: the form's own `data-err-<code>` (`data-err-conflict` for
// BAKEN_ERR_CONFLICT), else the page's `js.err.<CODE>`, else the API's message; then the code and
// the API's detail. After success the live region is refreshed. `data-reveal="token"` with
// `data-reveal-into="#id"` shows that field of the answer once in that element (a new secret).
// Lists: a `[data-add-item]` button in a `[data-list]` adds a copy of the list's `<template>`; a
// `[data-remove-item]` button removes its item.
import { bakenT, csrf, refresh, say } from './app.js';
import { formBody } from './form-body.js';

class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`);
    this.code = error?.code ?? `HTTP ${status}`;
    this.detail = error?.details?.map((d) => d.message).join('; ') ?? '';
  }
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
  const json = await r.json().catch(() => null);
  if (!r.ok) throw new ApiError(r.status, json?.error);
  return json;
}

function failure(el, e) {
  if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
  const short = e.code
    .replace(/^BAKEN_ERR_/, '')
    .toLowerCase()
    .replaceAll('_', '-');
  const own = el.closest('[data-err-' + short + ']')?.getAttribute('data-err-' + short);
  const known = bakenT('js.err.' + e.code);
  const words = own ?? (known === 'js.err.' + e.code ? e.message : known);
  const detail =
    e.detail && e.detail !== e.message ? ` — ${e.detail}` : words === e.message ? '' : ` — ${e.message}`;
  return `${words} (${e.code})${detail}`;
}

function reveal(el, answer) {
  const field = el.getAttribute('data-reveal');
  const where = el.getAttribute('data-reveal-into');
  const into = field && where ? document.querySelector(where) : null;
  if (!into || answer?.[field] === undefined) return;
  into.textContent = String(answer[field]);
  into.closest('[hidden]')?.removeAttribute('hidden');
}

async function run(el, url, body) {
  const question = el.getAttribute('data-confirm');
  if (question && !window.confirm(question)) return;
  const method = el.getAttribute('data-method') ?? 'POST';
  el.setAttribute('aria-busy', 'true');
  try {
    const answer = await send(method, url, body);
    reveal(el, answer);
    say(el.getAttribute('data-ok') ?? '✓', 'ok');
    if (el instanceof HTMLFormElement && !el.hasAttribute('data-keep')) el.reset();
    await refresh();
  } catch (e) {
    say(`${el.getAttribute('data-fail') ?? '✗'} ${failure(el, e)}`, 'error');
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

function editList(button) {
  if (button.matches('[data-remove-item]')) {
    button.closest('[data-item]')?.remove();
    return;
  }
  const list = button.closest('[data-list]');
  const template = list?.querySelector(':scope > template');
  if (!list || !template) return;
  const item = template.content.firstElementChild?.cloneNode(true);
  if (!item) return;
  template.before(item);
  item.querySelector('input, select')?.focus();
}

document.addEventListener('click', (ev) => {
  const target = ev.target instanceof Element ? ev.target : null;
  const lister = target?.closest('button[data-add-item], button[data-remove-item]');
  if (lister) {
    editList(lister);
    return;
  }
  const button = target?.closest('button[data-api]');
  if (!button || button.closest('form[data-api]')) return;
  const raw = button.getAttribute('data-body');
  void run(button, button.getAttribute('data-api') ?? '', raw ? JSON.parse(raw) : undefined);
});
