/**
 * Which gateway versions a server accepts [MQTT-MAP §8]. Pure and total: every function answers
 * for any input and never throws.
 *
 * Two numbers decide it:
 * - the **protocol major**: MQTT-MAP's `v` (and topic prefix `baken/vN/…`); a server speaks a set of
 *   majors, a gateway exactly one; a gateway whose major the server does not speak is refused;
 * - the gateway's **software version** (semver `MAJOR.MINOR.PATCH`, sent at provisioning and in every
 *   heartbeat as `software`): a server release names the oldest gateway release it still supports.
 *   Below it the gateway is refused at provisioning and warned about while it runs (it keeps
 *   delivering alarms: a server never drops an alarm for a version).
 */
import { MQTT_PAYLOAD_VERSION } from './common-schemas.js';

/** The MQTT-MAP major this build of `@baken/protocols` speaks. */
export const PROTOCOL_MAJOR = MQTT_PAYLOAD_VERSION;

export interface GatewayVersionPolicy {
  /** Protocol majors the server speaks. */
  protocols: readonly number[];
  /** The oldest gateway software (`MAJOR.MINOR.PATCH`) the server supports. */
  minGatewayVersion: string;
}

export type SoftwareVersion = readonly [major: number, minor: number, patch: number];

export type GatewayCompatibility =
  | { ok: true }
  | {
      ok: false;
      code: 'BAKEN_ERR_GATEWAY_VERSION';
      reason: 'protocol_unsupported' | 'software_too_old' | 'software_unparseable';
      /** For a person: what is wrong and what to do. Never contains secrets. */
      message: string;
    };

/**
 * The first `MAJOR.MINOR.PATCH` in a version string (`0.3.0`, `v0.3.0`, `baken-gateway 0.3.0+abc`,
 * `0.3.0-rc.1`). Pre-release and build suffixes are ignored: `0.3.0-rc.1` counts as `0.3.0`.
 */
export function parseSoftwareVersion(text: unknown): SoftwareVersion | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /(?:^|[^\d.])v?(\d{1,9})\.(\d{1,9})\.(\d{1,9})(?![\d])/.exec(` ${text.slice(0, 128)}`);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Negative, zero or positive as `a` is older than, equal to or newer than `b`. */
export function compareSoftwareVersions(a: SoftwareVersion, b: SoftwareVersion): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * Does the server with `policy` accept a gateway reporting `software` and speaking `protocol`
 * (absent: the gateway predates the field and speaks v1)?
 */
export function gatewayCompatibility(
  software: unknown,
  protocol: unknown,
  policy: GatewayVersionPolicy,
): GatewayCompatibility {
  const major = protocol === undefined ? 1 : protocol;
  if (typeof major !== 'number' || !policy.protocols.includes(major)) {
    return {
      ok: false,
      code: 'BAKEN_ERR_GATEWAY_VERSION',
      reason: 'protocol_unsupported',
      message: `the gateway speaks protocol v${String(major).slice(0, 8)}; this server speaks ${policy.protocols
        .map((p) => `v${p}`)
        .join(', ')}: update the server before this gateway`,
    };
  }
  const version = parseSoftwareVersion(software);
  const min = parseSoftwareVersion(policy.minGatewayVersion);
  if (version === undefined) {
    return {
      ok: false,
      code: 'BAKEN_ERR_GATEWAY_VERSION',
      reason: 'software_unparseable',
      message: 'the gateway reports no MAJOR.MINOR.PATCH software version: install a released gateway',
    };
  }
  if (min !== undefined && compareSoftwareVersions(version, min) < 0) {
    return {
      ok: false,
      code: 'BAKEN_ERR_GATEWAY_VERSION',
      reason: 'software_too_old',
      message: `gateway software ${version.join('.')} is older than ${min.join('.')}, the oldest this server supports: update the gateway (apt upgrade baken-gateway)`,
    };
  }
  return { ok: true };
}
