/**
 * The release manifest: what a release signature vouches for [RELEASE SPEC §2]. Pure and total.
 */
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { fail, ok, type Result } from '../errors.js';

export const RELEASE_FORMAT = 'baken-release/1';
/** The only package releases are signed for today: the home unit's Debian package. */
export const RELEASE_PACKAGE = 'baken-gateway';
/** Release versions are plain `MAJOR.MINOR.PATCH` (no suffix): safe as a directory name and totally ordered. */
export const RELEASE_VERSION_PATTERN = '^(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})$';
/** Largest package a manifest may describe (bytes). */
export const MAX_RELEASE_BYTES = 128 * 1024 * 1024;

export const ReleaseVersionSchema = Type.String({ pattern: RELEASE_VERSION_PATTERN, maxLength: 32 });

export const ReleaseManifestSchema = Type.Object(
  {
    format: Type.Literal(RELEASE_FORMAT),
    package: Type.Literal(RELEASE_PACKAGE),
    version: ReleaseVersionSchema,
    arch: Type.Union([
      Type.Literal('amd64'),
      Type.Literal('arm64'),
      Type.Literal('armhf'),
      Type.Literal('all'),
    ]),
    /** SHA-256 of the package file, lower-case hex. */
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    size: Type.Integer({ minimum: 1, maximum: MAX_RELEASE_BYTES }),
    /** When the maintainer signed it (ms since the epoch); informational. */
    signedAt: Type.Integer({ minimum: 0, maximum: 253_402_300_799_999 }),
  },
  { additionalProperties: false },
);
export type ReleaseManifest = Static<typeof ReleaseManifestSchema>;
export type ReleaseArch = ReleaseManifest['arch'];

const check = TypeCompiler.Compile(ReleaseManifestSchema);

/** Validates a parsed manifest; `BAKEN_ERR_RELEASE_FORMAT` naming the first bad field. Never throws. */
export function validateReleaseManifest(value: unknown): Result<ReleaseManifest> {
  if (check.Check(value)) return ok(value);
  const first = check.Errors(value).First();
  return fail(
    'BAKEN_ERR_RELEASE_FORMAT',
    `manifest ${first?.path || '(root)'}: ${first?.message ?? 'invalid'}`,
    {
      path: first?.path ?? '',
    },
  );
}

export type ReleaseVersion = readonly [number, number, number];

/** `[major, minor, patch]` of a release version, or undefined. */
export function parseReleaseVersion(text: unknown): ReleaseVersion | undefined {
  if (typeof text !== 'string' || !new RegExp(RELEASE_VERSION_PATTERN).test(text)) return undefined;
  const [a, b, c] = text.split('.').map(Number) as [number, number, number];
  return [a, b, c];
}

/**
 * Negative, zero or positive as release `a` is older than, equal to or newer than `b`. Text that is
 * not a release version (e.g. a development build `0.1.0-dev`) sorts by its leading
 * `MAJOR.MINOR.PATCH`, else before every release.
 */
export function compareReleaseVersions(a: string, b: string): number {
  const pa = leading(a);
  const pb = leading(b);
  if (pa === undefined || pb === undefined) return (pa === undefined ? 0 : 1) - (pb === undefined ? 0 : 1);
  return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
}

function leading(text: string): ReleaseVersion | undefined {
  const m = /^v?(\d{1,9})\.(\d{1,9})\.(\d{1,9})/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}
