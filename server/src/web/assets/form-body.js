// The JSON body of a `<form data-api>` (forms.js), built from its named fields.
//
// - `name="a.b"` puts the value at `body.a.b` (dotted names build nested objects).
// - Field types: `data-type="int"` a whole number, `"date-ms"` a date/time input as epoch ms,
//   `"csv"` a comma-separated list, `"minutes"` a time input (HH:MM) as minutes after midnight,
//   `"end-minutes"` the same with 00:00 read as 1440 (the end of the day); a checkbox is a boolean.
//   An empty optional field is left out (`data-null-if-empty` sends null instead).
// - Checkboxes with `data-many` and one name send the list of the checked ones' values (typed as
//   above), also when none is checked.
// - `data-list="path"` on an element makes a list at `path` (sent also when empty): each of its
//   `[data-item]` elements is one object, built from the fields inside it (named relative to the
//   item, and may hold lists of their own). An item whose fields are all empty is left out.
//   `data-spread="field"` on an item whose `field` is a list sends that item once per value
//   (days ticked Monday to Friday, 08:00–17:00 → five windows).

const FIELDS = 'input[name], select[name], textarea[name]';

function minutes(raw, end) {
  const m = /^(\d{1,2}):(\d{2})/.exec(raw);
  if (!m) return Number.NaN;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return end && v === 0 ? 1440 : v;
}

function typed(type, raw) {
  if (type === 'int') return Number.parseInt(raw, 10);
  if (type === 'date-ms') return new Date(raw).getTime();
  if (type === 'minutes' || type === 'end-minutes') return minutes(raw, type === 'end-minutes');
  if (type === 'csv')
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  return raw;
}

function fieldValue(el) {
  if (el.type === 'checkbox') return el.checked;
  const raw = el.value.trim();
  if (raw === '') return el.hasAttribute('data-null-if-empty') ? null : undefined;
  return typed(el.getAttribute('data-type'), raw);
}

function put(body, path, value) {
  const keys = path.split('.');
  let cur = body;
  for (const k of keys.slice(0, -1)) {
    if (cur[k] === null || typeof cur[k] !== 'object' || Array.isArray(cur[k])) cur[k] = {};
    cur = cur[k];
  }
  cur[keys[keys.length - 1]] = value;
}

/** The item or form an element's value belongs to. */
const owner = (el) => el.parentElement?.closest('[data-item], form');

function collect(scope) {
  const body = {};
  const many = new Map();
  for (const el of scope.querySelectorAll(FIELDS)) {
    if (
      el.disabled ||
      owner(el) !== scope ||
      el.closest('[data-list]')?.closest('[data-item], form') === scope
    )
      continue;
    if (el.type === 'checkbox' && el.hasAttribute('data-many')) {
      if (!many.has(el.name)) many.set(el.name, []);
      if (el.checked) many.get(el.name).push(typed(el.getAttribute('data-type'), el.value));
      continue;
    }
    const v = fieldValue(el);
    if (v !== undefined) put(body, el.name, v);
  }
  for (const [name, values] of many) put(body, name, values);
  for (const list of scope.querySelectorAll('[data-list]')) {
    if (list.parentElement?.closest('[data-item], form') !== scope) continue;
    const items = [...list.querySelectorAll('[data-item]')]
      .filter((item) => item.parentElement?.closest('[data-list]') === list)
      .flatMap(itemValues);
    put(body, list.getAttribute('data-list'), items);
  }
  return body;
}

function itemValues(item) {
  const v = collect(item);
  const filled = Object.values(v).some((x) => (Array.isArray(x) ? x.length > 0 : x !== false));
  if (!filled) return [];
  const spread = item.getAttribute('data-spread');
  // nothing ticked: sent as it is, so the API says what is missing instead of the row vanishing
  if (!spread || !Array.isArray(v[spread]) || v[spread].length === 0) return [v];
  return v[spread].map((one) => ({ ...v, [spread]: one }));
}

/** The JSON body of `form`: every enabled named field, nested as described above. */
export function formBody(form) {
  return collect(form);
}
