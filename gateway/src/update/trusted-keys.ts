import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rawReleasePublicKey, type TrustedReleaseKey } from '@baken/protocols';
import type { Logger } from 'pino';

/** Where the Debian package installs the release public keys (0644) [RELEASE SPEC §1]. */
export const RELEASE_KEYS_DIR = '/usr/share/baken-gateway/release-keys';

/**
 * The release public keys in `dir` (`*.pub`, PEM). A file that is not an Ed25519 public key is
 * logged and skipped; none at all means the unit takes no update.
 */
export function loadTrustedReleaseKeys(dir: string, log?: Logger): TrustedReleaseKey[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.pub'));
  } catch {
    return [];
  }
  const keys: TrustedReleaseKey[] = [];
  for (const name of names.sort()) {
    try {
      const pem = readFileSync(join(dir, name), 'utf8');
      if (pem.includes('PRIVATE')) throw new Error('a private key does not belong here');
      keys.push({ publicKey: rawReleasePublicKey(pem), name });
    } catch (err) {
      log?.warn({ file: name, err: String(err) }, 'release key skipped');
    }
  }
  return keys;
}
