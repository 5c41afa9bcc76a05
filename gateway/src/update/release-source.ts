import { GatewayError } from '../errors.js';

/** A release as the server serves it: the package bytes and the maintainer's signature document. */
export interface FetchedRelease {
  pkg: Buffer;
  signature: unknown;
}

/** Where a unit fetches an offered release. The server is not trusted: what it sends is verified. */
export interface ReleaseSource {
  fetch(version: string): Promise<FetchedRelease>;
}

export interface HttpReleaseSourceOptions {
  /** The server's base URL (from provisioning), e.g. `https://baken.example.org`. */
  server: string;
  /** The unit's own credentials (its MQTT username and password), sent as HTTP Basic. Never logged. */
  username: string;
  password: string;
  /** Largest package accepted, bytes. */
  maxBytes?: number;
  fetch?: typeof globalThis.fetch;
}

/**
 * Fetches `GET /api/v1/gateway/releases/{version}/package` and `…/signature` [MQTT-MAP §4.5.1].
 * Failures are `BAKEN_ERR_UPDATE_DOWNLOAD` with the HTTP status (never the credentials).
 */
export function httpReleaseSource(opts: HttpReleaseSourceOptions): ReleaseSource {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const auth = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
  const max = opts.maxBytes ?? 128 * 1024 * 1024;
  const get = async (version: string, what: 'package' | 'signature'): Promise<Response> => {
    const url = new URL(`/api/v1/gateway/releases/${encodeURIComponent(version)}/${what}`, opts.server);
    let res: Response;
    try {
      res = await doFetch(url, { headers: { authorization: auth }, signal: AbortSignal.timeout(300_000) });
    } catch (err) {
      throw new GatewayError('BAKEN_ERR_UPDATE_DOWNLOAD', `${what}: ${String(err)}`, { what });
    }
    if (!res.ok) {
      throw new GatewayError('BAKEN_ERR_UPDATE_DOWNLOAD', `${what}: HTTP ${res.status}`, {
        what,
        status: res.status,
      });
    }
    return res;
  };
  return {
    async fetch(version) {
      const signature: unknown = await (await get(version, 'signature')).json();
      const pkg = Buffer.from(await (await get(version, 'package')).arrayBuffer());
      if (pkg.length > max) {
        throw new GatewayError('BAKEN_ERR_UPDATE_DOWNLOAD', `package larger than ${max} bytes`, {
          what: 'package',
        });
      }
      return { pkg, signature };
    },
  };
}
