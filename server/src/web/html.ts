/**
 * The one way pages build HTML: every interpolated value is escaped unless it is already a
 * {@link SafeHtml} produced by this module. Names and addresses come from users, so nothing
 * else may concatenate markup. Attribute values must be written quoted in the template.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** Tagged template: `html\`<td>${home.address}</td>\`` escapes `home.address`. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Marks trusted, constant markup as safe. Never pass data that came from a request or the store. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** A path segment for links built from ids (ids are user-visible strings too). */
export function seg(id: string): string {
  return encodeURIComponent(id);
}
