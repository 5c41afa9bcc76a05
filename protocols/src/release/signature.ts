/**
 * Signing and verifying a release [RELEASE SPEC §3]: an Ed25519 signature over the exact bytes of
 * the manifest, which names the package's SHA-256 and size. Pure computation (no I/O); `verify…`
 * never throws.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { fail, ok, type Result } from '../errors.js';
import { type ReleaseManifest, validateReleaseManifest } from './manifest.js';

/** The signature document shipped beside a package (`<package>.sig.json`). */
export const ReleaseSignatureSchema = Type.Object(
  {
    /** The manifest's exact JSON bytes, base64. What is signed; parsed only after the signature checks. */
    manifest: Type.String({ minLength: 4, maxLength: 4096, pattern: '^[A-Za-z0-9+/]+={0,2}$' }),
    /** Which release key signed: the first 16 hex digits of SHA-256 over the raw 32-byte public key. */
    keyId: Type.String({ pattern: '^[0-9a-f]{16}$' }),
    /** Ed25519 signature over the manifest bytes, base64 (64 bytes). */
    signature: Type.String({ pattern: '^[A-Za-z0-9+/]{86}==$' }),
  },
  { additionalProperties: false },
);
export type ReleaseSignature = Static<typeof ReleaseSignatureSchema>;

/** A release public key a verifier trusts (raw 32-byte Ed25519 key). */
export interface TrustedReleaseKey {
  readonly publicKey: Uint8Array;
  /** Where it came from (file name), for messages. */
  readonly name?: string;
}

const checkSignature = TypeCompiler.Compile(ReleaseSignatureSchema);

/** The key id of a raw 32-byte Ed25519 public key. */
export function releaseKeyId(publicKey: Uint8Array): string {
  return createHash('sha256').update(publicKey).digest('hex').slice(0, 16);
}

/** SHA-256 of a package, lower-case hex. */
export function packageDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
    format: 'jwk',
  });
}

/** The raw 32-byte public key of a PEM (SPKI) Ed25519 public or private key; throws on anything else. */
export function rawReleasePublicKey(pem: string): Uint8Array {
  const key = pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('not an Ed25519 key');
  const jwk = key.export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(String(jwk.x), 'base64url'));
}

/** Signs `manifest` with the release private key (PEM PKCS#8). For the maintainer's offline tool. */
export function signRelease(manifest: ReleaseManifest, privateKeyPem: string): ReleaseSignature {
  const valid = validateReleaseManifest(manifest);
  if (!valid.ok) throw valid.error;
  const bytes = Buffer.from(JSON.stringify(manifest), 'utf8');
  const key = createPrivateKey(privateKeyPem);
  return {
    manifest: bytes.toString('base64'),
    keyId: releaseKeyId(rawReleasePublicKey(privateKeyPem)),
    signature: sign(null, bytes, key).toString('base64'),
  };
}

/**
 * Verifies a signature document against the trusted keys, then the package against the signed
 * manifest. `pkg` may be omitted to check the signature alone (a package is then checked with
 * {@link checkReleasePackage}). Codes: `BAKEN_ERR_RELEASE_FORMAT` (unreadable document or manifest),
 * `BAKEN_ERR_RELEASE_UNTRUSTED_KEY` (signed by no trusted key), `BAKEN_ERR_RELEASE_SIGNATURE` (bad
 * signature), `BAKEN_ERR_RELEASE_DIGEST` (the package is not the one signed). Never throws.
 */
export function verifyRelease(
  doc: unknown,
  trusted: readonly TrustedReleaseKey[],
  pkg?: Uint8Array,
): Result<ReleaseManifest> {
  if (!checkSignature.Check(doc)) return fail('BAKEN_ERR_RELEASE_FORMAT', 'not a release signature document');
  const key = trusted.find((k) => k.publicKey.length === 32 && releaseKeyId(k.publicKey) === doc.keyId);
  if (!key) {
    return fail(
      'BAKEN_ERR_RELEASE_UNTRUSTED_KEY',
      `signed by key ${doc.keyId}, which is not a trusted release key`,
      {
        keyId: doc.keyId,
      },
    );
  }
  const bytes = Buffer.from(doc.manifest, 'base64');
  let good = false;
  try {
    good = verify(null, bytes, publicKeyObject(key.publicKey), Buffer.from(doc.signature, 'base64'));
  } catch {
    good = false;
  }
  if (!good)
    return fail('BAKEN_ERR_RELEASE_SIGNATURE', 'the release signature does not verify', { keyId: doc.keyId });
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return fail('BAKEN_ERR_RELEASE_FORMAT', 'the signed manifest is not JSON');
  }
  const manifest = validateReleaseManifest(parsed);
  if (!manifest.ok || pkg === undefined) return manifest;
  return checkReleasePackage(manifest.value, pkg);
}

/** The package is the one the manifest names (size and SHA-256); `BAKEN_ERR_RELEASE_DIGEST` else. */
export function checkReleasePackage(manifest: ReleaseManifest, pkg: Uint8Array): Result<ReleaseManifest> {
  if (pkg.length !== manifest.size || packageDigest(pkg) !== manifest.sha256) {
    return fail('BAKEN_ERR_RELEASE_DIGEST', 'the package is not the one the release signature names', {
      version: manifest.version,
    });
  }
  return ok(manifest);
}
