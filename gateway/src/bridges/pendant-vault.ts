import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayConfigPayload, PendantCounterRecord, PendantSighting } from '@baken/protocols';
import { writeFileAtomic } from '../atomic-write.js';
import { GatewayError } from '../errors.js';

/** A pendant pairing as the server's `config` carries it [MQTT-MAP §4.7]; `keyHex` is SECRET. */
export type StoredPendantPairing = GatewayConfigPayload['pendants'][number];

/**
 * What the unit needs to hear its pendants after a restart with no network [PENDANT SPEC §5.3]: the
 * server's pendant pairings with their keys (as last received) and the last accepted counters.
 */
export interface PendantVaultContents {
  /** The server config revision the pairings came with; null before the first one. */
  revision: number | null;
  pairings: StoredPendantPairing[];
  counters: Record<string, PendantCounterRecord>;
  /**
   * Authenticated counters accepted recently, by device (`c:<counter>` sightings): a Baken pendant
   * re-announces them until acknowledged, which after a restart must stay a repeat, not a replay.
   */
  recent: Record<string, PendantSighting[]>;
}

export const emptyPendantVault = (): PendantVaultContents => ({
  revision: null,
  pairings: [],
  counters: {},
  recent: {},
});

/** Where the pendant bridge keeps its vault. `save` throws when the disk refuses the write. */
export interface PendantVaultStore {
  load(): PendantVaultContents;
  save(contents: PendantVaultContents): void;
}

/** A store in memory (tests, the pairing CLI); `saves` counts the writes. */
export class MemoryPendantVault implements PendantVaultStore {
  contents: PendantVaultContents = emptyPendantVault();
  saves = 0;
  load(): PendantVaultContents {
    return structuredClone(this.contents);
  }
  save(contents: PendantVaultContents): void {
    this.saves += 1;
    this.contents = structuredClone(contents);
  }
}

const isPairing = (p: unknown): p is StoredPendantPairing => {
  const x = p as Partial<StoredPendantPairing> | null;
  return (
    typeof x?.deviceId === 'string' &&
    typeof x.address === 'string' &&
    /^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$/.test(x.address) &&
    (x.format === 'bthome' || x.format === 'baken') &&
    (x.keyHex === undefined || (typeof x.keyHex === 'string' && /^([0-9a-fA-F]{2}){16,32}$/.test(x.keyHex)))
  );
};

const isCounter = (r: unknown): r is PendantCounterRecord => {
  const x = r as Partial<PendantCounterRecord> | null;
  return Number.isInteger(x?.counter) && typeof x?.at === 'number' && typeof x.keyTag === 'string';
};

const isSighting = (r: unknown): r is PendantSighting => {
  const x = r as Partial<PendantSighting> | null;
  return typeof x?.id === 'string' && /^c:\d+$/.test(x.id) && typeof x.at === 'number';
};

/** Keeps only well-formed entries (a vault from another version must not stop the unit). */
function checked(c: Partial<PendantVaultContents>): PendantVaultContents {
  const counters: Record<string, PendantCounterRecord> = {};
  if (typeof c.counters === 'object' && c.counters !== null)
    for (const [id, r] of Object.entries(c.counters)) if (isCounter(r)) counters[id] = r;
  const recent: Record<string, PendantSighting[]> = {};
  if (typeof c.recent === 'object' && c.recent !== null)
    for (const [id, list] of Object.entries(c.recent))
      if (Array.isArray(list) && list.every(isSighting)) recent[id] = list;
  return {
    revision: typeof c.revision === 'number' ? c.revision : null,
    pairings: Array.isArray(c.pairings) ? c.pairings.filter(isPairing) : [],
    counters,
    recent,
  };
}

const SEAL_KEY_FILE = 'unit-seal.key';
const VAULT_FILE = 'pendants.sealed';
const AAD = Buffer.from('baken-gateway pendant vault v1', 'ascii');

/**
 * The unit's own sealing key (32 random bytes, `{dataDir}/unit-seal.key`, 0600), made on first use
 * and never sent anywhere: a copy of the vault file alone (a backup, a support bundle) reveals no
 * pendant key. A key file that exists but cannot be read is an error, never silently replaced.
 */
export function loadUnitSealKey(dataDir: string): Buffer {
  const path = join(dataDir, SEAL_KEY_FILE);
  try {
    const key = readFileSync(path);
    if (key.length !== 32) throw new GatewayError('BAKEN_ERR_STATE_FILE', `${SEAL_KEY_FILE} is not 32 bytes`);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32);
  writeFileSync(path, key, { mode: 0o600, flag: 'wx' });
  return key;
}

/**
 * The vault sealed at rest with AES-256-GCM under the unit's sealing key, in `{dataDir}/pendants.sealed`
 * (0600, written atomically and flushed, so a counter survives a power cut once saved). A missing
 * file loads empty; a file that does not open (damaged, another unit's) loads empty and is reported
 * through `onDamaged` — the server's config brings the pairings back once the network is up.
 */
export class SealedPendantVault implements PendantVaultStore {
  readonly path: string;
  readonly #key: Buffer;
  readonly #onDamaged: (err: unknown) => void;

  constructor(dataDir: string, opts: { onDamaged?: (err: unknown) => void; key?: Buffer } = {}) {
    this.path = join(dataDir, VAULT_FILE);
    this.#key = opts.key ?? loadUnitSealKey(dataDir);
    this.#onDamaged = opts.onDamaged ?? (() => {});
  }

  load(): PendantVaultContents {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.#onDamaged(err);
      return emptyPendantVault();
    }
    try {
      const box = JSON.parse(text) as { v: number; iv: string; tag: string; data: string };
      if (box.v !== 1) throw new GatewayError('BAKEN_ERR_STATE_FILE', `unknown vault version ${box.v}`);
      const d = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(box.iv, 'base64'));
      d.setAAD(AAD);
      d.setAuthTag(Buffer.from(box.tag, 'base64'));
      const plain = Buffer.concat([d.update(Buffer.from(box.data, 'base64')), d.final()]);
      return checked(JSON.parse(plain.toString('utf8')) as Partial<PendantVaultContents>);
    } catch (err) {
      this.#onDamaged(err);
      return emptyPendantVault();
    }
  }

  save(contents: PendantVaultContents): void {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.#key, iv);
    c.setAAD(AAD);
    const data = Buffer.concat([c.update(JSON.stringify(contents), 'utf8'), c.final()]);
    const box = {
      v: 1,
      iv: iv.toString('base64'),
      tag: c.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
    writeFileAtomic(this.path, JSON.stringify(box), 0o600);
  }
}
