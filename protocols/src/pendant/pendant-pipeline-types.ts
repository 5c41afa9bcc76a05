import type { ProtocolErrorCode } from '../errors.js';
import type { PendantEvent, PendantEventKind } from './pendant-event.js';
import type { BthomeMappingOptions } from './pendant-mapping.js';

/**
 * How a pendant is paired [PENDANT SPEC §5.1]. `baken` and `bthome_encrypted` are authenticated
 * (a key the home unit holds proves every advert); `bthome_plain` is not: anyone in radio range can
 * forge its adverts, so its events carry `authenticated: false`.
 */
export type PendantPairingMode = 'baken' | 'bthome_encrypted' | 'bthome_plain';

/** One paired pendant as the pipeline needs it. Holds the advert key: never log it. */
export interface PendantPairing {
  /** The id its events carry (the registry device id). */
  deviceId: string;
  /** Advertiser address `AA:BB:CC:DD:EE:FF`. */
  address: string;
  format: 'bthome' | 'baken';
  /** BTHome bind key (16 bytes: encrypted mode) or Baken pendant key (≥ 16 bytes, required). */
  key?: Uint8Array;
}

/** Finds the pairing of an advert; both lookups must be pure (the same answer for the same input). */
export interface PendantPairingLookup {
  byAddress(address: string): PendantPairing | undefined;
  /** Baken advert device id (12 lower-case hex digits) [PENDANT SPEC §3.1]. */
  byBakenId(bakenDeviceId: string): PendantPairing | undefined;
}

/** One advert as heard: the service data of each pendant format it carried [PENDANT SPEC §1]. */
export interface PendantAdvertInput {
  address: string;
  rssi: number | null;
  /** Service data under 0xFCD2. */
  bthome?: Uint8Array;
  /** Service data under 0xFCB1. */
  baken?: Uint8Array;
  /** Reception time, ms since the epoch, from the injected clock. */
  at: number;
}

/** The last accepted counter of one device; persisted by the home unit [PENDANT SPEC §5.3]. */
export interface PendantCounterRecord {
  readonly counter: number;
  /** `at` of the advert that set it. */
  readonly at: number;
  /** {@link pendantKeyTag} of the key it was accepted under; a new key starts a new counter. */
  readonly keyTag: string;
}

/** One recently accepted advert of a device (the de-duplication window) [PENDANT SPEC §5.4]. */
export interface PendantSighting {
  /** `c:<counter>` (authenticated), `p:<packet id>` or `k:<kinds>` (plaintext without packet id). */
  readonly id: string;
  readonly at: number;
}

/** Immutable pipeline state: replace it with the returned one, never mutate it. */
export interface PendantPipelineState {
  /** By device id. The part to persist (bounded by the pairing list). */
  readonly counters: Readonly<Record<string, PendantCounterRecord>>;
  /** By device id; memory only, pruned to the window. */
  readonly recent: Readonly<Record<string, readonly PendantSighting[]>>;
}

export interface PendantPipelineOptions {
  /** How long an accepted advert's id is remembered to collapse its re-broadcasts. Default 30 000 ms. */
  windowMs?: number;
  /**
   * The same for a Baken pendant, which re-announces an event until it is acknowledged, for up to
   * 24 h [PENDANT SPEC §7]. Default 25 h.
   */
  announceWindowMs?: number;
  /** Most ids remembered per device (oldest dropped). Default 128. */
  maxRecentPerDevice?: number;
  mapping?: BthomeMappingOptions;
}

/** Why an advert from a paired pendant was refused [PENDANT SPEC §5.2]. */
export type PendantRefusalReason =
  /** A plaintext advert from a pendant paired with a key (encrypted BTHome or Baken). */
  | 'downgrade'
  /** The MIC (BTHome) or MAC (Baken) does not verify with the paired key. */
  | 'auth_failed'
  /** A counter at or below the last accepted one that is not a re-broadcast inside the window. */
  | 'replay'
  /** An encrypted advert from a pendant paired without a key. */
  | 'no_key'
  /** Bytes that do not decode (wrong version, length, event code). */
  | 'malformed';

export const PENDANT_REFUSAL_REASONS: readonly PendantRefusalReason[] = [
  'downgrade',
  'auth_failed',
  'replay',
  'no_key',
  'malformed',
];

/** An event the pipeline lets through, with the id that makes its re-acceptance harmless. */
export interface AcceptedPendantEvent extends PendantEvent {
  /**
   * Deterministic event id for authenticated events (device, key tag, counter, button), so an
   * advert accepted again after a crash before its counter was saved is the same event; null for
   * plaintext events (the caller draws a random id).
   */
  eventId: string | null;
}

/** What one advert came to [PENDANT SPEC §5]. */
export type PendantOutcome =
  | {
      type: 'accepted';
      deviceId: string;
      mode: PendantPairingMode;
      events: AcceptedPendantEvent[];
      battery: number | null;
      /** The counter now stored for the device (persist `state.counters` before the next advert). */
      counter: number | null;
    }
  /** A re-broadcast of an advert already accepted inside the window: normal traffic, drop it. */
  | { type: 'repeat'; deviceId: string; mode: PendantPairingMode }
  | {
      type: 'refused';
      deviceId: string;
      mode: PendantPairingMode;
      reason: PendantRefusalReason;
      code: ProtocolErrorCode;
      /** Never holds key material. */
      detail: Readonly<Record<string, unknown>>;
    }
  /** A pendant-format advert from a device this home has not paired (pairing listens for these). */
  | { type: 'unpaired'; address: string; format: 'bthome' | 'baken'; kinds: PendantEventKind[] }
  /** No pendant service data at all. */
  | { type: 'not_pendant' };

export interface PendantStep {
  state: PendantPipelineState;
  outcome: PendantOutcome;
}
