import { describe, expect, it } from 'vitest';
import { parseSseBlock } from './sse.js';

describe('parseSseBlock', () => {
  it('reads an event whose id line comes first, as the live stream writes it', () => {
    const e = parseSseBlock('id: 42\nevent: alarm.created\ndata: {"gatewayId":"gw-1"}');
    expect(e).toEqual({ id: '42', event: 'alarm.created', data: '{"gatewayId":"gw-1"}', comment: false });
  });

  it('reads fields in any order and joins data lines', () => {
    const e = parseSseBlock('event: incident.opened\ndata: {"a":1,\ndata: "b":2}\nid: 7');
    expect(e.event).toBe('incident.opened');
    expect(e.id).toBe('7');
    expect(JSON.parse(e.data)).toEqual({ a: 1, b: 2 });
  });

  it('marks a comment-only block (keep-alive, connected) as a comment', () => {
    expect(parseSseBlock(': connected').comment).toBe(true);
    expect(parseSseBlock(': ping\n: again').event).toBeUndefined();
  });

  it('keeps a value without the optional space and a field without a value', () => {
    const e = parseSseBlock('event:x\ndata');
    expect(e.event).toBe('x');
    expect(e.data).toBe('');
  });
});
