import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PROTOCOL_MAJOR, validateProvisionRequest, validateProvisionResponse } from '@baken/protocols';
import { saveCredentials } from '../config/load-config.js';
import type { Credentials } from '../config/schema.js';
import { GatewayError } from '../errors.js';
import type { CliIo } from './io.js';

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
 * Enrols the unit: `POST {server}/api/v1/provision` with `{ token, hardwareId, software }`, answered
 * by `{ gatewayId, mqtt: { urls: [primary, secondary?], username, password }, heartbeatIntervalS }`
 * [MQTT-MAP §5]; errors come back as a non-2xx status with `{ code, message }`. The token travels only in the request body (never in a URL or a log line) and
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
  // `protocol`: the server refuses a gateway it does not support, saying why [MQTT-MAP §8]
  const request = {
    token: args.token,
    hardwareId: args.hardwareId,
    software: args.software,
    protocol: PROTOCOL_MAJOR,
  };
  const checked = validateProvisionRequest(request, { unknownProperties: 'reject' });
  if (!checked.ok) {
    // the message names the field, never the token's value
    throw new GatewayError('BAKEN_ERR_USAGE', `cannot enrol with these arguments: ${checked.error.message}`);
  }
  const url = new URL('api/v1/provision', base.href.endsWith('/') ? base.href : `${base.href}/`);
  let res: Response;
  try {
    res = await io.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(request),
    });
  } catch (err) {
    throw new GatewayError('BAKEN_ERR_PROVISION', `cannot reach ${url.origin}: ${(err as Error).message}`);
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    // the server's uniform error body is `{ error: { code, message } }`; a bare `{ code, message }` too
    const outer = (body ?? {}) as { error?: unknown; code?: unknown; message?: unknown };
    const b = (typeof outer.error === 'object' && outer.error !== null ? outer.error : outer) as {
      code?: unknown;
      message?: unknown;
    };
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
  const answer = validateProvisionResponse(body);
  if (!answer.ok) {
    throw new GatewayError(
      'BAKEN_ERR_PROVISION',
      `server answer is not a provisioning response (${answer.error.message})`,
    );
  }
  const { gatewayId, mqtt } = answer.value;
  const [primary, secondary] = mqtt.urls;
  const credentials: Credentials = {
    gatewayId,
    server: base.origin,
    mqtt: {
      username: mqtt.username,
      password: mqtt.password,
      ...(primary === undefined ? {} : { url: primary }),
      ...(secondary === undefined ? {} : { secondaryUrl: secondary }),
    },
    provisionedAt: args.now,
  };
  mkdirSync(dirname(args.credentialsPath), { recursive: true, mode: 0o700 });
  saveCredentials(args.credentialsPath, credentials);
  return credentials;
}
