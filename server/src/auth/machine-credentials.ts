import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_ID_PATTERN } from '@baken/protocols';
import { BakenError } from '../errors.js';
import { ensurePrivateDir } from '../store/private-files.js';
import type { GatewaysRepository } from '../store/repositories/index.js';
import { verifyPassword } from './password.js';

/** The key file in the data folder, created 0600 on first start. */
export const MACHINE_KEY_FILE = 'machine-credential.key';
/** Or the key itself (64 hex characters): every instance of a clustered server needs the same key. */
export const MACHINE_KEY_ENV = 'BAKEN_MACHINE_CREDENTIAL_KEY';

const PREFIX = 'hmac-sha256';
const GATEWAY_ID = new RegExp(GATEWAY_ID_PATTERN);

/**
 * Without a data folder (in-memory stores, tests): one random key for the whole process, so a
 * server restarted in the same process over the same database still knows its gateways.
 */
let processKey: Buffer | undefined;

/** What {@link MachineCredentials.verify} found. */
export type MachineVerdict =
  | { ok: true; rehash: string | null }
  | { ok: false; reason: 'mismatch' | 'unknown_key' };

/**
 * Machine credentials — a gateway's random 256-bit MQTT password — stored as HMAC-SHA-256 under a
 * server-held key (a pepper), `hmac-sha256$<keyId>$<mac base64url>` (broker README, "Credentials").
 * A random 256-bit secret cannot be guessed, so a slow KDF buys nothing and cost every CONNECT
 * ≈ 40 ms of CPU; the key means a copy of the database alone does not even let anyone test a
 * guess. Human passwords stay on scrypt (`password.ts`).
 *
 * Hashes made before this scheme (`scrypt$…`) still verify, slowly, once: a successful verify
 * returns the keyed hash to store instead (`rehash`), so a fleet moves over on its next connect.
 * Comparison is constant-time; an unknown gateway costs the same HMAC as a known one.
 */
export class MachineCredentials {
  readonly keyId: string;
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length < 32)
      throw new BakenError('BAKEN_ERR_CONFIG', 500, 'The machine-credential key must be at least 32 bytes.');
    this.#key = key;
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  /**
   * The key from `BAKEN_MACHINE_CREDENTIAL_KEY`, else `<dataDir>/machine-credential.key` (created
   * 0600 on first start; back it up with the database), else — in-memory stores for tests — a
   * random per-process key.
   */
  static load(dataDir: string, env: Record<string, string | undefined>): MachineCredentials {
    const fromEnv = env[MACHINE_KEY_ENV];
    if (fromEnv !== undefined) {
      if (!/^[0-9a-fA-F]{64}$/.test(fromEnv))
        throw new BakenError('BAKEN_ERR_CONFIG', 500, `${MACHINE_KEY_ENV} must be 64 hex characters.`, {
          details: [{ field: MACHINE_KEY_ENV, message: 'must be 64 hex characters' }],
        });
      return new MachineCredentials(Buffer.from(fromEnv, 'hex'));
    }
    if (dataDir === ':memory:') {
      processKey ??= randomBytes(32);
      return new MachineCredentials(processKey);
    }
    ensurePrivateDir(dataDir);
    const file = join(dataDir, MACHINE_KEY_FILE);
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    const hex = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-fA-F]{64}$/.test(hex))
      throw new BakenError(
        'BAKEN_ERR_CONFIG',
        500,
        `The machine-credential key file ${file} is damaged: restore it from the backup of the data folder.`,
      );
    return new MachineCredentials(Buffer.from(hex, 'hex'));
  }

  hash(secret: string): string {
    return `${PREFIX}$${this.keyId}$${this.#mac(secret).toString('base64url')}`;
  }

  /** Whether `stored` is a keyed hash under this key (anything else is rehashed on success). */
  isCurrent(stored: string): boolean {
    return stored.startsWith(`${PREFIX}$${this.keyId}$`);
  }

  async verify(secret: string, stored: string | null): Promise<MachineVerdict> {
    const mac = this.#mac(secret);
    if (stored === null) return { ok: false, reason: 'mismatch' };
    if (stored.startsWith(`${PREFIX}$`)) {
      const [, keyId, b64] = stored.split('$');
      if (keyId !== this.keyId) return { ok: false, reason: 'unknown_key' };
      const want = Buffer.from(b64 ?? '', 'base64url');
      const ok = want.length === mac.length && timingSafeEqual(want, mac);
      return ok ? { ok: true, rehash: null } : { ok: false, reason: 'mismatch' };
    }
    // anything else (a placeholder for an identity with no MQTT login): refused after the same HMAC
    if (!stored.startsWith('scrypt$')) return { ok: false, reason: 'mismatch' };
    // a hash from before the keyed scheme: scrypt, verified once and replaced
    if (await verifyPassword(secret, stored)) return { ok: true, rehash: this.hash(secret) };
    return { ok: false, reason: 'mismatch' };
  }

  /**
   * A gateway's id and password as the broker and the gateway's HTTP routes check them: an
   * unknown, revoked or malformed id costs the same HMAC; an older scrypt hash is replaced on
   * success (only if it is still the stored one).
   */
  async verifyGateway(
    gateways: Pick<GatewaysRepository, 'mqttPasswordHash' | 'replaceMqttPasswordHash'>,
    id: string,
    secret: string,
  ): Promise<MachineVerdict> {
    const stored = GATEWAY_ID.test(id) ? await gateways.mqttPasswordHash(id) : null;
    const v = await this.verify(secret, stored);
    if (v.ok && v.rehash !== null && stored !== null)
      await gateways.replaceMqttPasswordHash(id, stored, v.rehash);
    return v;
  }

  #mac(secret: string): Buffer {
    return createHmac('sha256', this.#key).update(secret, 'utf8').digest();
  }
}
