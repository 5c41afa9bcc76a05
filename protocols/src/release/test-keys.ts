/**
 * Fixed Ed25519 release keys for tests and golden vectors [RELEASE SPEC §5]. TEST ONLY: these keys
 * are public; no unit may trust them.
 */

/** PKCS#8 PEM of the Ed25519 private key whose 32-byte seed is `seedHex`. */
export function ed25519PemFromSeed(seedHex: string): string {
  const der = Buffer.concat([
    Buffer.from('302e020100300506032b657004220420', 'hex'),
    Buffer.from(seedHex, 'hex'),
  ]);
  const b64 = der.toString('base64');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

export const TEST_RELEASE_KEY_PEM = ed25519PemFromSeed('11'.repeat(32));
export const OTHER_RELEASE_KEY_PEM = ed25519PemFromSeed('22'.repeat(32));
