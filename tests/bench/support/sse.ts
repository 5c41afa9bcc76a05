/** One server-sent event as the bench reads it off `GET /api/v1/stream`. */
export interface SseEvent {
  id?: string;
  event?: string;
  /** The `data:` lines joined with `\n`, as the EventSource specification does. */
  data: string;
  /** True for a block of `:` comment lines only (the server's keep-alive and `: connected`). */
  comment: boolean;
}

/**
 * Parses one event block (the text between two blank lines) field by field, in any order: the
 * stream writes `id:`, `event:` and `data:` lines [the server's live stream, `stream-routes.ts`], and a
 * reader that matched on the block's first line broke when event ids came first.
 */
export function parseSseBlock(block: string): SseEvent {
  const out: SseEvent = { data: '', comment: true };
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    out.comment = false;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'id') out.id = value;
    else if (field === 'event') out.event = value;
    else if (field === 'data') data.push(value);
  }
  out.data = data.join('\n');
  return out;
}
