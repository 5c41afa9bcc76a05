import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('createLogger', () => {
  it('redacts passwords, tokens and keys at several depths', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const log = createLogger('info', sink);
    log.info({ token: 'tok-123', mqtt: { password: 'pw-456' }, a: { b: { key: 'k-789' } } }, 'hello');
    const out = lines.join('');
    expect(out).toContain('hello');
    expect(out).not.toMatch(/tok-123|pw-456|k-789/);
    expect(out).toContain('[redacted]');
  });
});
