import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { saveCredentials } from '../config/load-config.js';
import type { Credentials } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import type { CliIo } from './io.js';

/**
 * The server's answer to `POST /api/v1/provision` (contract shared with the server part):
 * `{ gatewayId, mqtt: { username, password, url?, secondaryUrl? } }`. Errors come back as a
 * non-2xx status with `{ code, message }`.
 */
export const ProvisionResponse = Type.Object({
  gatewayId: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }),
  mqtt: Type.Object({
    username: Type.String({ minLength: 1 }),
    password: Type.String({ minLength: 1 }),
    url: Type.Optional(Type.String({ pattern: '^(mqtt|mqtts|ws|wss)://' })),
    secondaryUrl: Type.Optional(Type.String({ pattern: '^(mqtt|mqtts|ws|wss)://' })),
  }),
});
export type ProvisionResponse = Static<typeof ProvisionResponse>;

export interface ProvisionArgs {
  server: string;
  token: string;
  hardwareId: string;
  software: string;
  credentialsPath: string;
  force: boolean;
  now: number;
}

/**
 * Enrols the unit. The token travels only in the request body (never in a URL or a log line) and
 * the password only into the 0600 credentials file.
 */
export async function provision(args: ProvisionArgs, io: CliIo): Promise<Credentials> {
  let base: URL;
  try {
    base = new URL(args.server);
    if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new Error('scheme');
  } catch {
    throw new GatewayError('BAKEN_ERR_USAGE', '--server must be an http:// or https:// URL');
  }
  if (existsSync(args.credentialsPath) && !args.force) {
    throw new GatewayError(
      'BAKEN_ERR_CREDENTIALS',
      `${args.credentialsPath} already exists: this unit is provisioned (use --force to enrol again)`,
    );
  }
  const url = new URL('api/v1/provision', base.href.endsWith('/') ? base.href : `${base.href}/`);
  let res: Response;
  try {
    res = await io.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ token: args.token, hardwareId: args.hardwareId, software: args.software }),
    });
  } catch (err) {
    throw new GatewayError('BAKEN_ERR_PROVISION', `cannot reach ${url.origin}: ${(err as Error).message}`);
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const b = (body ?? {}) as { code?: unknown; message?: unknown };
    const why = typeof b.message === 'string' ? b.message : res.statusText;
    const code = typeof b.code === 'string' ? ` (${b.code})` : '';
    throw new GatewayError(
      'BAKEN_ERR_PROVISION',
      `server refused enrolment: HTTP ${res.status}${code}: ${why}`,
      {
        status: res.status,
      },
    );
  }
  if (!Value.Check(ProvisionResponse, body)) {
    const first = Value.Errors(ProvisionResponse, body).First();
    throw new GatewayError(
      'BAKEN_ERR_PROVISION',
      `server answer is not a provisioning response (${first?.path ?? '/'}: ${first?.message ?? 'invalid'})`,
    );
  }
  const credentials: Credentials = {
    gatewayId: body.gatewayId,
    server: base.origin,
    mqtt: { ...body.mqtt },
    provisionedAt: args.now,
  };
  mkdirSync(dirname(args.credentialsPath), { recursive: true, mode: 0o700 });
  saveCredentials(args.credentialsPath, credentials);
  return credentials;
}
