/** A trial code from the server, or why there is none. */
export type TrialCodeAnswer = { code: string; validUntil: number } | { error: string };

/** Asks the server for a key safe's trial code (by serial); never throws. */
export type TrialCodeSource = (serial: string) => Promise<TrialCodeAnswer>;

/**
 * The installer-authorised request for a trial code: `POST {server}/api/v1/access/keysafes/:serial/
 * trial-code` with the technician's API token. The server pushes a one-time code to the key safe
 * through this unit and answers once the safe confirmed it. The token is sent only there and is never
 * printed or logged.
 */
export function serverTrialCodes(
  server: string,
  token: string,
  fetchImpl: typeof fetch = fetch,
  timeoutMs = 30_000,
): TrialCodeSource {
  return async (serial) => {
    const base = server.endsWith('/') ? server : `${server}/`;
    const url = new URL(`api/v1/access/keysafes/${encodeURIComponent(serial)}/trial-code`, base);
    try {
      const res = await fetchImpl(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = (await res.json().catch(() => ({}))) as {
        code?: unknown;
        validUntil?: unknown;
        error?: { code?: string; message?: string };
      };
      if (res.status === 201 && typeof body.code === 'string' && typeof body.validUntil === 'number') {
        return { code: body.code, validUntil: body.validUntil };
      }
      const why = body.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${res.status}`;
      return { error: `the server gave no trial code (${why})` };
    } catch (err) {
      return { error: `the server could not be asked for a trial code (${(err as Error).message})` };
    }
  };
}

/** "12345678" → "1234 5678", as a keypad code is read out. */
export const spacedCode = (code: string): string => code.replace(/^(\d{4})(\d{4})$/, '$1 $2');
