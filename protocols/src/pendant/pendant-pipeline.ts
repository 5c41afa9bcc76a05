import { createHash } from 'node:crypto';
import type { ProtocolError, ProtocolErrorCode } from '../errors.js';
import { decodeBakenAdvert, emptyBakenReplayState } from './baken-advert.js';
import { decodeBthome } from './bthome-decode.js';
import type { PendantEvent } from './pendant-event.js';
import { pendantEventFromBaken, pendantEventsFromBthome } from './pendant-mapping.js';
import type {
  AcceptedPendantEvent,
  PendantAdvertInput,
  PendantOutcome,
  PendantPairing,
  PendantPairingLookup,
  PendantPairingMode,
  PendantPipelineOptions,
  PendantPipelineState,
  PendantRefusalReason,
  PendantSighting,
  PendantStep,
} from './pendant-pipeline-types.js';

export const PENDANT_WINDOW_MS = 30_000;
/**
 * How long a Baken pendant's accepted counters are remembered: it announces an event until the home
 * unit acknowledges it, for up to 24 h [PENDANT SPEC §7], so its own re-announcements of an accepted
 * counter are repeats that long, never replays.
 */
export const PENDANT_ANNOUNCE_WINDOW_MS = 25 * 3_600_000;
export const PENDANT_MAX_RECENT_PER_DEVICE = 128;

export const emptyPendantPipelineState = (): PendantPipelineState => ({ counters: {}, recent: {} });

/** The pairing mode of a pairing [PENDANT SPEC §5.1]. */
export const pendantPairingMode = (p: Pick<PendantPairing, 'format' | 'key'>): PendantPairingMode =>
  p.format === 'baken' ? 'baken' : p.key === undefined ? 'bthome_plain' : 'bthome_encrypted';

/**
 * A short, non-secret tag of a key (first 8 bytes of SHA-256 over a label and the key, hex): a
 * stored counter belongs to the key it was accepted under, so re-pairing with a new key (a reset
 * pendant restarts its counter) starts afresh, and event ids of the new key never collide with
 * the old ones [PENDANT SPEC §5.3]. Plaintext pairings have the tag `plain`.
 */
export function pendantKeyTag(key: Uint8Array | undefined): string {
  if (key === undefined) return 'plain';
  return createHash('sha256').update('BAKEN-PDT-KEYTAG').update(key).digest('hex').slice(0, 16);
}

const within = (a: number, b: number, windowMs: number): boolean => Math.abs(a - b) < windowMs;
const idPart = (s: string): string => s.replace(/[^A-Za-z0-9]/g, '').toLowerCase();

interface Ctx {
  state: PendantPipelineState;
  pairing: PendantPairing;
  mode: PendantPairingMode;
  input: PendantAdvertInput;
  /** How long this device's accepted ids count as seen (the window; longer for Baken). */
  windowMs: number;
  maxRecent: number;
}

const REFUSAL_CODES: Readonly<Record<PendantRefusalReason, ProtocolErrorCode>> = {
  downgrade: 'BAKEN_ERR_ADVERT_DOWNGRADE',
  auth_failed: 'BAKEN_ERR_ADVERT_MAC',
  replay: 'BAKEN_ERR_ADVERT_REPLAY',
  no_key: 'BAKEN_ERR_ADVERT_KEY',
  malformed: 'BAKEN_ERR_ADVERT_FORMAT',
};

function refuse(c: Ctx, reason: PendantRefusalReason, error?: ProtocolError): PendantStep {
  return {
    state: c.state,
    outcome: {
      type: 'refused',
      deviceId: c.pairing.deviceId,
      mode: c.mode,
      reason,
      code: error?.code ?? REFUSAL_CODES[reason],
      detail: error?.detail ?? {},
    },
  };
}

/** Remembers `id` for the device (pruned to the window and the cap) and returns the recent map. */
function remember(c: Ctx, id: string): PendantPipelineState['recent'] {
  const live = (c.state.recent[c.pairing.deviceId] ?? []).filter(
    (s) => s.id !== id && within(s.at, c.input.at, c.windowMs),
  );
  const next: PendantSighting[] = [...live, { id, at: c.input.at }].slice(-c.maxRecent);
  return { ...c.state.recent, [c.pairing.deviceId]: next };
}

const seenRecently = (c: Ctx, id: string): boolean =>
  (c.state.recent[c.pairing.deviceId] ?? []).some((s) => s.id === id && within(s.at, c.input.at, c.windowMs));

function repeat(c: Ctx, id: string): PendantStep {
  return {
    state: { ...c.state, recent: remember(c, id) },
    outcome: { type: 'repeat', deviceId: c.pairing.deviceId, mode: c.mode },
  };
}

/**
 * Replay check and de-duplication of an authenticated advert [PENDANT SPEC §5.3–5.4]: a counter
 * above the last accepted one is new; the same counter as an advert accepted inside the window
 * (the pendant's own re-broadcasts, interleaved presses, the last advert again after a restart) is
 * a repeat; anything else at or below the last accepted counter is a replay.
 */
function authenticated(c: Ctx, counter: number, events: PendantEvent[], battery: number | null): PendantStep {
  const id = `c:${counter}`;
  const keyTag = pendantKeyTag(c.pairing.key);
  const stored = c.state.counters[c.pairing.deviceId];
  const last = stored?.keyTag === keyTag ? stored : undefined;
  if (seenRecently(c, id)) return repeat(c, id);
  if (last !== undefined && counter <= last.counter) {
    if (counter === last.counter && within(last.at, c.input.at, c.windowMs)) return repeat(c, id);
    return refuse(c, 'replay', undefined);
  }
  const prefix = `pdt-${idPart(c.pairing.deviceId).slice(0, 24)}-${keyTag.slice(0, 8)}-${counter}`;
  const accepted: AcceptedPendantEvent[] = events.map((e) => ({
    ...e,
    eventId: e.format === 'baken' ? prefix : `${prefix}-${e.button}`,
  }));
  return {
    state: {
      counters: { ...c.state.counters, [c.pairing.deviceId]: { counter, at: c.input.at, keyTag } },
      recent: remember(c, id),
    },
    outcome: {
      type: 'accepted',
      deviceId: c.pairing.deviceId,
      mode: c.mode,
      events: accepted,
      battery,
      counter,
    },
  };
}

/** De-duplication of a plaintext BTHome advert by packet id, else by the kinds it carries [§5.4]. */
function plaintext(
  c: Ctx,
  packetId: number | null,
  events: PendantEvent[],
  battery: number | null,
): PendantStep {
  const id =
    packetId !== null ? `p:${packetId}` : `k:${events.map((e) => `${e.kind}@${e.button}`).join(',')}`;
  if (seenRecently(c, id)) return repeat(c, id);
  return {
    state: { ...c.state, recent: remember(c, id) },
    outcome: {
      type: 'accepted',
      deviceId: c.pairing.deviceId,
      mode: c.mode,
      events: events.map((e) => ({ ...e, eventId: null })),
      battery,
      counter: null,
    },
  };
}

function bakenStep(c: Ctx, data: Uint8Array): PendantStep {
  // a Baken advert naming a BTHome pendant cannot be proved by that pendant's key
  if (c.mode !== 'baken') return refuse(c, 'auth_failed', undefined);
  const key = c.pairing.key;
  // the replay check is ours (below), so the decoder gets an empty replay state
  const d = decodeBakenAdvert(emptyBakenReplayState(), data, () => key);
  if (!d.ok) {
    const code = d.error.code;
    const reason: PendantRefusalReason =
      code === 'BAKEN_ERR_ADVERT_MAC'
        ? 'auth_failed'
        : code === 'BAKEN_ERR_ADVERT_KEY'
          ? 'no_key'
          : 'malformed';
    return refuse(c, reason, d.error);
  }
  const a = d.value.advert;
  return authenticated(c, a.counter, [pendantEventFromBaken(a, { rssi: c.input.rssi })], a.battery);
}

function bthomeStep(c: Ctx, data: Uint8Array, options: PendantPipelineOptions): PendantStep {
  // a Baken pendant is authenticated; BTHome from its address is a downgrade
  if (c.mode === 'baken') return refuse(c, 'downgrade', undefined);
  const d = decodeBthome(data, {
    address: c.input.address,
    ...(c.pairing.key === undefined ? {} : { key: c.pairing.key }),
  });
  if (!d.ok) {
    const code = d.error.code;
    if (code === 'BAKEN_ERR_ADVERT_DECRYPT')
      return refuse(c, c.mode === 'bthome_plain' ? 'no_key' : 'auth_failed', d.error);
    return refuse(c, 'malformed', d.error);
  }
  const advert = d.value;
  const events = pendantEventsFromBthome(
    advert,
    { address: c.input.address, rssi: c.input.rssi },
    options.mapping,
  );
  if (c.mode === 'bthome_encrypted') {
    if (!advert.encrypted || advert.counter === null) return refuse(c, 'downgrade', undefined);
    return authenticated(c, advert.counter, events, advert.battery);
  }
  return plaintext(c, advert.packetId, events, advert.battery);
}

/** The de-duplication window of a pairing mode [PENDANT SPEC §5.4]. */
function windowOf(mode: PendantPairingMode, options: PendantPipelineOptions): number {
  const windowMs = Math.max(1, options.windowMs ?? PENDANT_WINDOW_MS);
  return mode === 'baken'
    ? Math.max(windowMs, options.announceWindowMs ?? PENDANT_ANNOUNCE_WINDOW_MS)
    : windowMs;
}

function unpaired(input: PendantAdvertInput, format: 'bthome' | 'baken'): PendantOutcome {
  if (format === 'baken' || input.bthome === undefined)
    return { type: 'unpaired', address: input.address.toUpperCase(), format, kinds: [] };
  const d = decodeBthome(input.bthome, { address: input.address });
  const kinds = d.ok ? pendantEventsFromBthome(d.value, { address: input.address }).map((e) => e.kind) : [];
  return { type: 'unpaired', address: input.address.toUpperCase(), format, kinds };
}

/**
 * The pendant pipeline [PENDANT SPEC §5]: decode → authenticate → replay check → de-duplicate →
 * typed event or typed refusal, as a pure function of (state, advert). Total: never throws for any
 * bytes. The home unit and the simulator's listener both drive this one function.
 */
export function pendantStep(
  state: PendantPipelineState,
  input: PendantAdvertInput,
  pairings: PendantPairingLookup,
  options: PendantPipelineOptions = {},
): PendantStep {
  const maxRecent = Math.max(1, options.maxRecentPerDevice ?? PENDANT_MAX_RECENT_PER_DEVICE);
  if (input.baken !== undefined) {
    const data = input.baken;
    const bakenId = data.length >= 7 ? Buffer.from(data.subarray(1, 7)).toString('hex') : '';
    const pairing = pairings.byBakenId(bakenId) ?? pairings.byAddress(input.address);
    if (pairing === undefined) return { state, outcome: unpaired(input, 'baken') };
    const mode = pendantPairingMode(pairing);
    const c: Ctx = { state, pairing, mode, input, windowMs: windowOf(mode, options), maxRecent };
    return bakenStep(c, data);
  }
  if (input.bthome !== undefined) {
    const pairing = pairings.byAddress(input.address);
    if (pairing === undefined) return { state, outcome: unpaired(input, 'bthome') };
    const mode = pendantPairingMode(pairing);
    const c: Ctx = { state, pairing, mode, input, windowMs: windowOf(mode, options), maxRecent };
    return bthomeStep(c, input.bthome, options);
  }
  return { state, outcome: { type: 'not_pendant' } };
}

/**
 * Drops what no longer matters: counters of devices no longer paired and sightings older than
 * `windowMs` (default the longest window, a Baken pendant's). Call it when the pairings change;
 * pure. Each step prunes a device's own sightings to its own window.
 */
export function prunePendantState(
  state: PendantPipelineState,
  pairedDeviceIds: readonly string[],
  now: number,
  windowMs = PENDANT_ANNOUNCE_WINDOW_MS,
): PendantPipelineState {
  const keep = new Set(pairedDeviceIds);
  const counters: Record<string, PendantPipelineState['counters'][string]> = {};
  for (const [id, rec] of Object.entries(state.counters)) if (keep.has(id)) counters[id] = rec;
  const recent: Record<string, readonly PendantSighting[]> = {};
  for (const [id, list] of Object.entries(state.recent)) {
    const live = list.filter((s) => within(s.at, now, windowMs));
    if (keep.has(id) && live.length > 0) recent[id] = live;
  }
  return { counters, recent };
}
