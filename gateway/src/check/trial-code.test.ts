import { describe, expect, it } from 'vitest';
import { serverTrialCodes, spacedCode } from './trial-code.js';

/** `fetch` is the library boundary: these fakes answer as the server's trial-code route does. */
const answering =
  (status: number, body: unknown, seen: Array<{ url: string; auth: string | null }> = []): typeof fetch =>
  async (url, init) => {
    seen.push({ url: String(url), auth: new Headers(init?.headers).get('authorization') });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };

describe('trial code from the server (installer-authorised)', () => {
  it('asks for the key safe by serial with the technician token and returns the code', async () => {
    const seen: Array<{ url: string; auth: string | null }> = [];
    const get = serverTrialCodes(
      'https://baken.example/',
      'tok-1',
      answering(201, { code: '12345678', validUntil: 5 }, seen),
    );
    expect(await get('KS 1/2')).toEqual({ code: '12345678', validUntil: 5 });
    expect(seen).toEqual([
      { url: 'https://baken.example/api/v1/access/keysafes/KS%201%2F2/trial-code', auth: 'Bearer tok-1' },
    ]);
  });

  it('names why there is no code: the server’s error, or no answer at all', async () => {
    const refused = serverTrialCodes(
      'https://baken.example',
      't',
      answering(503, { error: { code: 'BAKEN_ERR_KEYSAFE_UNAVAILABLE', message: 'not online' } }),
    );
    expect(await refused('KS-1')).toEqual({
      error: 'the server gave no trial code (BAKEN_ERR_KEYSAFE_UNAVAILABLE: not online)',
    });
    const down = serverTrialCodes('https://baken.example', 't', async () => {
      throw new Error('connect ECONNREFUSED');
    });
    expect(await down('KS-1')).toEqual({
      error: 'the server could not be asked for a trial code (connect ECONNREFUSED)',
    });
  });

  it('reads the code out in two groups of four', () => {
    expect(spacedCode('07735652')).toBe('0773 5652');
  });
});
