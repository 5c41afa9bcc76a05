/**
 * Finds text a page shows in the same words in Dutch and in English: a string someone forgot to
 * put in the catalogues. Data (names, addresses, ids), numbers and times are the same in both
 * languages by nature; pass them as `data`. Words that really are the same in both languages
 * (`Online`, `Team`, `Alarm`) are those whose Dutch and English catalogue texts are equal.
 */
import { CATALOGUES } from '../i18n/catalogues/index.js';

const SAME_IN_BOTH = new Set(
  Object.entries(CATALOGUES.en)
    .filter(([k, v]) => CATALOGUES.nl[k as keyof typeof CATALOGUES.nl] === v)
    .flatMap(([, v]) => v.split(/\{[^}]*\}/))
    .map((s) => s.trim())
    .filter(Boolean),
);

/** The visible text of an HTML page, chunk by chunk: text between tags and the attributes people read (not code). */
export function visibleText(html: string): string[] {
  const out: string[] = [];
  // commands, API paths and usernames in <code> are the same in every language
  const body = html
    .replace(/<script\b[\s\S]*?<\/script>/g, '')
    .replace(/<style\b[\s\S]*?<\/style>/g, '')
    .replace(/<code\b[\s\S]*?<\/code>/g, '');
  for (const m of body.matchAll(/\s(?:title|aria-label|placeholder|alt|data-label|label)="([^"]*)"/g))
    out.push(m[1] ?? '');
  for (const chunk of body.replace(/<[^>]*>/g, '\u0000').split('\u0000')) out.push(chunk);
  return out
    .map((s) =>
      s
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((s) => s.length > 0);
}

/** Chunks shown identically in both renderings that still hold a word after data is taken out. */
export function untranslated(nlHtml: string, enHtml: string, data: string[] = []): string[] {
  const en = new Set(visibleText(enHtml));
  const known = [...data, ...SAME_IN_BOTH, 'Baken'].sort((a, b) => b.length - a.length);
  const suspects = new Set<string>();
  for (const chunk of visibleText(nlHtml)) {
    if (!en.has(chunk)) continue;
    let rest = chunk;
    for (const k of known) if (k) rest = rest.split(k).join(' ');
    if (/[A-Za-z]{3,}/.test(rest)) suspects.add(chunk);
  }
  return [...suspects];
}
