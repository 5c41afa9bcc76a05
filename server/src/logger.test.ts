import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('logger', () => {
  it('redacts passwords, tokens, cookies and authorization headers', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger('info', sink);
    log.info(
      {
        password: 'p1',
        body: { password: 'p2', token: 't1' },
        req: { headers: { authorization: 'Bearer t2', cookie: 'baken_session=s1' } },
        mqtt: { creds: { mqttPassword: 'p3' } },
        config: { databaseUrl: 'postgres://baken:p4@db/baken' },
      },
      'x',
    );
    const out = lines.join('');
    for (const secret of ['p1', 'p2', 't1', 't2', 's1', 'p3', 'postgres://'])
      expect(out).not.toContain(`"${secret}`);
    expect(out).toContain('[redacted]');
  });
});
