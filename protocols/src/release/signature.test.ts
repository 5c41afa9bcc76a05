import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GOLDEN_RELEASE as G } from './golden-vectors.js';
import { compareReleaseVersions, type ReleaseManifest } from './manifest.js';
import { rawReleasePublicKey, releaseKeyId, signRelease, verifyRelease } from './signature.js';
import { OTHER_RELEASE_KEY_PEM, TEST_RELEASE_KEY_PEM } from './test-keys.js';

const trusted = [{ publicKey: rawReleasePublicKey(TEST_RELEASE_KEY_PEM), name: 'test.pub' }];
const pkg = Buffer.from(G.packageText);
const manifest = G.manifest as ReleaseManifest;

describe('release signatures [RELEASE SPEC §3]', () => {
  it('produces the golden vector and verifies it', () => {
    expect(Buffer.from(trusted[0]!.publicKey).toString('hex')).toBe(G.publicKeyHex);
    expect(releaseKeyId(trusted[0]!.publicKey)).toBe(G.keyId);
    expect(signRelease(manifest, TEST_RELEASE_KEY_PEM)).toEqual(G.signature);
    expect(verifyRelease(G.signature, trusted, pkg)).toEqual({ ok: true, value: manifest });
  });

  it('refuses a tampered package', () => {
    const tampered = Buffer.from(pkg);
    tampered.writeUInt8(tampered.readUInt8(3) ^ 1, 3);
    const r = verifyRelease(G.signature, trusted, tampered);
    expect(r.ok || r.error.code).toBe('BAKEN_ERR_RELEASE_DIGEST');
    const longer = Buffer.concat([pkg, Buffer.from('x')]);
    const r2 = verifyRelease(G.signature, trusted, longer);
    expect(r2.ok || r2.error.code).toBe('BAKEN_ERR_RELEASE_DIGEST');
  });

  it('refuses a bad signature and a manifest changed after signing (e.g. a relabelled version)', () => {
    const sig = Buffer.from(G.signature.signature, 'base64');
    sig.writeUInt8(sig.readUInt8(10) ^ 0x40, 10);
    const bad = verifyRelease({ ...G.signature, signature: sig.toString('base64') }, trusted, pkg);
    expect(bad.ok || bad.error.code).toBe('BAKEN_ERR_RELEASE_SIGNATURE');
    const relabelled = Buffer.from(JSON.stringify({ ...manifest, version: '9.9.9' })).toString('base64');
    const r = verifyRelease({ ...G.signature, manifest: relabelled }, trusted, pkg);
    expect(r.ok || r.error.code).toBe('BAKEN_ERR_RELEASE_SIGNATURE');
  });

  it('refuses a signature by a key it does not trust, even one claiming a trusted key id', () => {
    const other = signRelease(manifest, OTHER_RELEASE_KEY_PEM);
    const r = verifyRelease(other, trusted, pkg);
    expect(r.ok || r.error.code).toBe('BAKEN_ERR_RELEASE_UNTRUSTED_KEY');
    const forged = verifyRelease({ ...other, keyId: G.keyId }, trusted, pkg);
    expect(forged.ok || forged.error.code).toBe('BAKEN_ERR_RELEASE_SIGNATURE');
    expect(verifyRelease(G.signature, [], pkg).ok).toBe(false);
  });

  it('never throws, whatever the document', () => {
    fc.assert(
      fc.property(fc.anything(), (doc) => {
        const r = verifyRelease(doc, trusted, pkg);
        expect(r.ok).toBe(false);
      }),
    );
    fc.assert(
      fc.property(fc.base64String({ minLength: 4, maxLength: 200 }), (m) => {
        const r = verifyRelease({ ...G.signature, manifest: m.length % 4 === 0 ? m : 'AAAA' }, trusted, pkg);
        expect(r.ok).toBe(false);
      }),
    );
  });

  it('refuses to sign an invalid manifest', () => {
    expect(() => signRelease({ ...manifest, version: '1.2' }, TEST_RELEASE_KEY_PEM)).toThrow(/version/);
  });

  it('orders release versions numerically, development builds before their release', () => {
    expect(compareReleaseVersions('1.10.0', '1.9.9')).toBeGreaterThan(0);
    expect(compareReleaseVersions('1.2.3', '1.2.3')).toBe(0);
    expect(compareReleaseVersions('0.1.0', 'unknown')).toBeGreaterThan(0);
    expect(compareReleaseVersions('0.1.0-dev', '0.1.1')).toBeLessThan(0);
  });
});
