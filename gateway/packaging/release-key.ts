#!/usr/bin/env -S npx tsx
/**
 * The release maintainer's OFFLINE tool for signed gateway releases [RELEASE SPEC], run on the
 * machine that holds the release private key (never on the server):
 *
 *   npx tsx gateway/packaging/release-key.ts keygen --out DIR
 *       writes DIR/release-key.pem (private, 0600) and DIR/release-key.pub (public, 0644); put the
 *       .pub in gateway/packaging/release-keys/ so packages ship it
 *   npx tsx gateway/packaging/release-key.ts sign --key release-key.pem --deb baken-gateway_1.2.3_arm64.deb
 *       writes baken-gateway_1.2.3_arm64.deb.sig.json (version and arch from the file name, or
 *       --version / --arch)
 *   npx tsx gateway/packaging/release-key.ts verify --pub release-key.pub --deb FILE [--sig FILE]
 *
 * Then upload both files in the dashboard's Updates page or with `POST /api/v1/updates/releases`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  packageDigest,
  RELEASE_FORMAT,
  RELEASE_PACKAGE,
  type ReleaseArch,
  rawReleasePublicKey,
  releaseKeyId,
  signRelease,
  verifyRelease,
} from '@baken/protocols';

const ARCHES: readonly ReleaseArch[] = ['amd64', 'arm64', 'armhf', 'all'];

export function keygen(outDir: string): { privateKey: string; publicKey: string; keyId: string } {
  mkdirSync(outDir, { recursive: true });
  const priv = join(outDir, 'release-key.pem');
  const pub = join(outDir, 'release-key.pub');
  if (existsSync(priv)) throw new Error(`BAKEN_ERR_USAGE: ${priv} exists; not overwriting a release key`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(priv, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  chmodSync(priv, 0o600);
  const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  writeFileSync(pub, pem, { mode: 0o644 });
  return { privateKey: priv, publicKey: pub, keyId: releaseKeyId(rawReleasePublicKey(pem)) };
}

/** Version and architecture from a Debian file name `baken-gateway_1.2.3_arm64.deb`. */
export function fromDebName(file: string): { version?: string; arch?: string } {
  const m = /^baken-gateway_([^_]+)_([^_.]+)\.deb$/.exec(basename(file));
  return m ? { version: m[1] ?? '', arch: m[2] ?? '' } : {};
}

export function signDeb(opts: {
  key: string;
  deb: string;
  version?: string;
  arch?: string;
  now?: number;
}): string {
  const named = fromDebName(opts.deb);
  const version = opts.version ?? named.version;
  const arch = opts.arch ?? named.arch;
  if (version === undefined || arch === undefined || !ARCHES.includes(arch as ReleaseArch)) {
    throw new Error('BAKEN_ERR_USAGE: give --version and --arch (amd64, arm64, armhf, all)');
  }
  const pkg = readFileSync(opts.deb);
  const signature = signRelease(
    {
      format: RELEASE_FORMAT,
      package: RELEASE_PACKAGE,
      version,
      arch: arch as ReleaseArch,
      sha256: packageDigest(pkg),
      size: pkg.length,
      signedAt: opts.now ?? Date.now(),
    },
    readFileSync(opts.key, 'utf8'),
  );
  const out = `${opts.deb}.sig.json`;
  writeFileSync(out, `${JSON.stringify(signature, null, 2)}\n`, { mode: 0o644 });
  return out;
}

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      out: { type: 'string' },
      key: { type: 'string' },
      pub: { type: 'string' },
      deb: { type: 'string' },
      sig: { type: 'string' },
      version: { type: 'string' },
      arch: { type: 'string' },
    },
  });
  if (cmd === 'keygen' && values.out) {
    const k = keygen(resolve(values.out));
    process.stdout.write(`${k.privateKey} (keep offline)\n${k.publicKey}\nkey id ${k.keyId}\n`);
  } else if (cmd === 'sign' && values.key && values.deb) {
    process.stdout.write(
      `${signDeb({
        key: values.key,
        deb: values.deb,
        ...(values.version ? { version: values.version } : {}),
        ...(values.arch ? { arch: values.arch } : {}),
      })}\n`,
    );
  } else if (cmd === 'verify' && values.pub && values.deb) {
    const doc: unknown = JSON.parse(readFileSync(values.sig ?? `${values.deb}.sig.json`, 'utf8'));
    const r = verifyRelease(
      doc,
      [{ publicKey: rawReleasePublicKey(readFileSync(values.pub, 'utf8')) }],
      readFileSync(values.deb),
    );
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    process.stdout.write(`good signature: ${r.value.package} ${r.value.version} ${r.value.arch}\n`);
  } else {
    process.stderr.write(
      'BAKEN_ERR_USAGE: release-key.ts keygen --out DIR | sign --key PEM --deb FILE | verify --pub PUB --deb FILE\n',
    );
    process.exitCode = 2;
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
