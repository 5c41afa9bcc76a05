import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rawReleasePublicKey, type TrustedReleaseKey, verifyRelease } from '@baken/protocols';
import { BakenError, type BakenErrorCode, conflict } from '../../errors.js';
import type { Release } from './types.js';
import type { UpdateStore } from './update-store.js';

/**
 * The release public keys the server checks uploads with: `{dataDir}/release-keys/*.pub` (the same
 * public keys the gateway package ships). The server's check keeps junk out of its store; the
 * units' own check is what protects them [RELEASE SPEC §1].
 */
export function serverReleaseKeys(dataDir: string): TrustedReleaseKey[] {
  const dir = join(dataDir, 'release-keys');
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.pub'));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    try {
      return [{ publicKey: rawReleasePublicKey(readFileSync(join(dir, name), 'utf8')), name }];
    } catch {
      return [];
    }
  });
}

/** Stores an uploaded release after checking its signature; `BAKEN_ERR_RELEASE_…` (400) when it does not verify. */
export async function storeRelease(
  store: UpdateStore,
  keys: readonly TrustedReleaseKey[],
  input: { package: string; signature: unknown; notes?: string },
  by: string,
  now: number,
): Promise<Release> {
  if (keys.length === 0) {
    throw new BakenError(
      'BAKEN_ERR_RELEASE_NO_KEYS',
      503,
      'No release public key is installed on the server: copy the release-key.pub files into the data directory under release-keys/.',
    );
  }
  const pkg = Buffer.from(input.package, 'base64');
  const v = verifyRelease(input.signature, keys, pkg);
  if (!v.ok) {
    throw new BakenError(
      v.error.code as BakenErrorCode & `BAKEN_ERR_RELEASE_${string}`,
      400,
      `${v.error.message}. The release was not stored: sign it again with the release key (gateway/packaging/release-key.ts).`,
    );
  }
  if (await store.release(v.value.version))
    throw conflict(`Release ${v.value.version} was uploaded before; releases are never replaced.`);
  const release: Release = {
    version: v.value.version,
    arch: v.value.arch,
    sha256: v.value.sha256,
    size: v.value.size,
    keyId: (input.signature as { keyId: string }).keyId,
    notes: input.notes ?? '',
    uploadedAt: now,
    uploadedBy: by,
  };
  await store.insertRelease(release, JSON.stringify(input.signature), pkg);
  return release;
}
