import { existsSync, realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { needProgram } from '../testing/external-program.js';
import { openPtyPair } from './pty-pair.js';

describe.skipIf(!needProgram('socat'))('openPtyPair (socat)', () => {
  it('gives two linked pseudo-terminals and removes them and socat on close', async () => {
    const pair = await openPtyPair();
    expect(existsSync(pair.a)).toBe(true);
    expect(existsSync(pair.b)).toBe(true);
    expect(realpathSync(pair.a)).toBe(pair.devices[0]);
    expect(realpathSync(pair.b)).toBe(pair.devices[1]);
    expect(() => process.kill(pair.pid, 0)).not.toThrow();
    await pair.close();
    await pair.close();
    expect(existsSync(pair.a)).toBe(false);
    expect(() => process.kill(pair.pid, 0)).toThrow();
  });

  it('rejects with BAKEN_ERR_SERIAL_OPEN when socat cannot be started', async () => {
    await expect(openPtyPair({ socat: '/nonexistent/socat' })).rejects.toMatchObject({
      code: 'BAKEN_ERR_SERIAL_OPEN',
    });
  });
});
