import { randomBytes } from 'node:crypto';
import type { MachineCredentials } from '../../auth/machine-credentials.js';
import { hashPassword, MACHINE_SCRYPT } from '../../auth/password.js';
import { newSecret } from '../../auth/secrets.js';
import { BakenError } from '../../errors.js';
import type { Repositories } from '../../store/repositories/index.js';

/** Most homes one bulk enrolment creates (a region of this size takes minutes to hash, not hours). */
export const MAX_BULK_HOMES = 50_000;

export interface BulkEnrolOptions {
  homes: number;
  /** Names the clients and addresses (`<label> 17`), so a test fleet is easy to find and remove. */
  label: string;
  region?: string;
  /**
   * The server's gateway-password hasher (the key file beside the database): the keyed hash the
   * broker verifies at once. Without it the passwords are stored as scrypt, which the broker
   * still accepts and replaces on each gateway's first connect.
   */
  credentials?: MachineCredentials;
  /** Hashes computed at once (scrypt runs on libuv's thread pool). Default 4. */
  parallel?: number;
  /** Called after each batch with the number enrolled so far. */
  progress?: (done: number) => void;
}

export interface EnrolledHome {
  homeId: string;
  gatewayId: string;
  /** The gateway's MQTT password: returned once, stored only as a hash. */
  password: string;
}

/**
 * Bulk enrolment (device-sim/README.md "Bulk enrolment"): for each home a client, the home and an
 * enrolled gateway with fresh MQTT credentials, exactly as a token redeemed by `provision` leaves
 * them (id `gw-…`, a random 256-bit password stored as the same machine-credential hash), without
 * the one-time token round trip. For load tests, demonstrations and technicians enrolling a batch
 * of units. The passwords are in the result only; callers write them to a 0600 file or an HTTPS
 * response and never to a log.
 */
export async function bulkEnrol(
  repos: Repositories,
  now: () => number,
  opts: BulkEnrolOptions,
): Promise<EnrolledHome[]> {
  if (!Number.isInteger(opts.homes) || opts.homes < 1 || opts.homes > MAX_BULK_HOMES)
    throw new BakenError(
      'BAKEN_ERR_VALIDATION',
      400,
      `homes must be a whole number from 1 to ${MAX_BULK_HOMES}.`,
    );
  const parallel = Math.max(1, opts.parallel ?? 4);
  const out: EnrolledHome[] = [];
  for (let i = 0; i < opts.homes; i += parallel) {
    const batch = Array.from({ length: Math.min(parallel, opts.homes - i) }, (_, k) => i + k + 1);
    const creds = await Promise.all(
      batch.map(async (n) => {
        const password = newSecret('');
        const hash = opts.credentials
          ? opts.credentials.hash(password)
          : await hashPassword(password, MACHINE_SCRYPT);
        return { n, password, hash };
      }),
    );
    for (const { n, password, hash } of creds) {
      const at = now();
      const client = await repos.clients.createClient({ name: `${opts.label} client ${n}` }, at);
      const home = await repos.clients.createHome(
        {
          clientId: client.id,
          address: `${opts.label} ${n}`,
          ...(opts.region ? { region: opts.region } : {}),
        },
        at,
      );
      const gatewayId = `gw-${randomBytes(8).toString('hex')}`;
      await repos.gateways.create({
        id: gatewayId,
        homeId: home.id,
        serial: null,
        createdAt: at,
        revokedAt: null,
        mqttPasswordHash: hash,
      });
      out.push({ homeId: home.id, gatewayId, password });
    }
    opts.progress?.(out.length);
  }
  return out;
}
