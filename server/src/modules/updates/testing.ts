import { createPublicKey } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDigest, type ReleaseSignature, signRelease } from '@baken/protocols';

/** Installs the public half of `privatePem` as a trusted release key of a server data dir (tests). */
export function trustReleaseKey(dataDir: string, privatePem: string, name = 'test.pub'): void {
  mkdirSync(join(dataDir, 'release-keys'), { recursive: true });
  const pub = createPublicKey(privatePem).export({ format: 'pem', type: 'spki' }).toString();
  writeFileSync(join(dataDir, 'release-keys', name), pub);
}

/** A signed upload body for `POST /api/v1/updates/releases` (tests). */
export function signedUpload(
  pkg: Buffer,
  version: string,
  privatePem: string,
): { package: string; signature: ReleaseSignature } {
  const signature = signRelease(
    {
      format: 'baken-release/1',
      package: 'baken-gateway',
      version,
      arch: 'all',
      sha256: packageDigest(pkg),
      size: pkg.length,
      signedAt: 0,
    },
    privatePem,
  );
  return { package: pkg.toString('base64'), signature };
}
