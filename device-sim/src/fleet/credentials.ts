import { closeSync, fchmodSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { SimError } from '../errors.js';

/**
 * The fleet credentials file the bulk enrolment writes and `baken-sim fleet` reads
 * (device-sim/README.md "Bulk enrolment"): one gateway identity per home. It holds MQTT passwords,
 * so it is written 0600 and refused when group or others may read it.
 */
export const FleetCredentialsSchema = Type.Object({
  v: Type.Literal(1),
  /** The broker the homes connect to, as the server announces it (`mqtt.publicUrls`). */
  mqttUrl: Type.Optional(Type.String()),
  createdAt: Type.Optional(Type.Integer()),
  homes: Type.Array(
    Type.Object({
      homeId: Type.Optional(Type.String()),
      gatewayId: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{2,39}$' }),
      password: Type.String({ minLength: 1 }),
    }),
  ),
});
export type FleetCredentials = Static<typeof FleetCredentialsSchema>;

export function readFleetCredentials(path: string): FleetCredentials {
  let text: string;
  try {
    const mode = statSync(path).mode;
    if ((mode & 0o077) !== 0)
      throw new SimError(
        'BAKEN_ERR_SIM_FLEET_CREDENTIALS',
        `${path} holds gateway passwords but others may read it (mode ${(mode & 0o777).toString(8)}): chmod 600 ${path}`,
      );
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof SimError) throw err;
    throw new SimError('BAKEN_ERR_SIM_FLEET_CREDENTIALS', `cannot read ${path}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new SimError('BAKEN_ERR_SIM_FLEET_CREDENTIALS', `${path} is not JSON`);
  }
  if (!Value.Check(FleetCredentialsSchema, doc)) {
    const e = Value.Errors(FleetCredentialsSchema, doc).First();
    // the path names the field; the value (possibly a password) is never repeated
    throw new SimError(
      'BAKEN_ERR_SIM_FLEET_CREDENTIALS',
      `${path}: ${e?.path || '/'} ${e?.message ?? 'invalid'}`,
    );
  }
  return doc;
}

/** Writes the file with mode 0600; an existing file is narrowed to 0600 before it is rewritten. */
export function writeFleetCredentials(path: string, creds: FleetCredentials): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, `${JSON.stringify(creds)}\n`);
  } finally {
    closeSync(fd);
  }
}
