import { type MessageKey, type MessageValues, t } from '../i18n/index.js';
import { escapeHtml, SafeHtml } from './html.js';

/**
 * A message as markup: the message text is escaped like any other text, placeholders given as
 * {@link SafeHtml} (a `<time>`, a link, `<strong>`) are put in as they are. Use it where a
 * sentence wraps markup — a translator must be able to move `{when}` within the sentence.
 */
export function th(key: MessageKey, values: Record<string, MessageValues[string] | SafeHtml> = {}): SafeHtml {
  const plain: MessageValues = {};
  const marks: SafeHtml[] = [];
  for (const [k, v] of Object.entries(values)) {
    if (v instanceof SafeHtml) {
      plain[k] = `\u0001${marks.length}\u0001`;
      marks.push(v);
    } else plain[k] = v;
  }
  const text = escapeHtml(t(key, plain));
  return new SafeHtml(text.replace(/\u0001(\d+)\u0001/g, (_, i: string) => marks[Number(i)]?.value ?? ''));
}
