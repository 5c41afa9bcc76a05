import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  packageDigest,
  type ReleaseArch,
  type ReleaseSignature,
  rawReleasePublicKey,
  signRelease,
} from '@baken/protocols';
import type { ReleaseSource } from './release-source.js';

/**
 * Test doubles of the update path (tests only). A fake "package" is a small JSON text naming its
 * version and how its health check behaves; `fileUnpacker` writes it as `release.json` into the
 * release directory, which the tests read to decide what the restarted unit does.
 */
export interface FakePackage {
  version: string;
  /** The post-update health check of this version fails (a broken release). */
  unhealthy?: boolean;
}

export const fakePackage = (p: FakePackage): Buffer => Buffer.from(JSON.stringify(p));

export function signFake(
  pkg: Buffer,
  version: string,
  keyPem: string,
  arch: ReleaseArch = 'all',
): ReleaseSignature {
  return signRelease(
    {
      format: 'baken-release/1',
      package: 'baken-gateway',
      version,
      arch,
      sha256: packageDigest(pkg),
      size: pkg.length,
      signedAt: 0,
    },
    keyPem,
  );
}

export const fileUnpacker = async (pkg: Buffer, intoDir: string): Promise<void> => {
  mkdirSync(intoDir, { recursive: true });
  writeFileSync(join(intoDir, 'release.json'), pkg);
};

export const readFakeRelease = (dir: string): FakePackage =>
  JSON.parse(readFileSync(join(dir, 'release.json'), 'utf8')) as FakePackage;

/** A release source over a map of version → what the (possibly hostile) server sends. */
export function mapSource(releases: Map<string, { pkg: Buffer; signature: unknown }>): ReleaseSource {
  return {
    async fetch(version) {
      const r = releases.get(version);
      if (!r) throw new Error('BAKEN_ERR_UPDATE_DOWNLOAD: HTTP 404');
      return r;
    },
  };
}

export const trustedFrom = (pem: string) => [{ publicKey: rawReleasePublicKey(pem), name: 'test.pub' }];
