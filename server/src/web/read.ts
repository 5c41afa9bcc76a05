/**
 * Defensive readers for JSON the pages get from the HTTP API. The health/alarms API is built in
 * parallel, so pages read fields by name and treat anything missing as "not reported" instead
 * of inventing a value.
 */
export type Json = unknown;

export function obj(v: Json): Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Json>) : {};
}

/** The first present key among `keys` (supports dotted paths like `gateway.state`). */
export function pick(v: Json, ...keys: string[]): Json {
  for (const k of keys) {
    let cur: Json = v;
    for (const part of k.split('.')) cur = Array.isArray(cur) ? cur[Number(part)] : obj(cur)[part];
    if (cur !== undefined && cur !== null) return cur;
  }
  return undefined;
}

export function str(v: Json, ...keys: string[]): string | undefined {
  const x = keys.length ? pick(v, ...keys) : v;
  return typeof x === 'string' ? x : typeof x === 'number' ? String(x) : undefined;
}

export function num(v: Json, ...keys: string[]): number | undefined {
  const x = keys.length ? pick(v, ...keys) : v;
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

/** A list: a bare array, or `{ items | data | results: [...] }`. */
export function list(v: Json, ...keys: string[]): Json[] {
  if (Array.isArray(v)) return v;
  const x = keys.length ? pick(v, ...keys) : v;
  if (Array.isArray(x)) return x;
  const inner = pick(x, 'items', 'data', 'results');
  return Array.isArray(inner) ? inner : [];
}

/** Total count of a paginated answer when the API reports one. */
export function total(v: Json): number | undefined {
  return num(v, 'total', 'count', 'page.total');
}
