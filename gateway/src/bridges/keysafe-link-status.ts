import type { LinkState } from '../event-bus.js';

export interface KeysafeBridgeOptions {
  /** Device id as registered on the server. */
  deviceId: string;
  /** Serial number the key safe's HELLO must report; other serials are not bridged. */
  serial?: string;
  /** STATUS_POLL period [KS-SERIAL §9.4]. Default 60 s. */
  statusPollIntervalMs?: number;
  /** Audit buffer read period besides the reads STATUS triggers [KS-SERIAL §9.1]. Default 15 min. */
  auditPollIntervalMs?: number;
  /** Reconnect back-off after an unplug or a failed open. Default 1 s … 60 s. */
  reconnect?: { initialMs: number; maxMs: number };
  random?: () => number;
  /** Last audit SEQ forwarded, persisted so a restart does not re-read the whole buffer. */
  auditCursor?: { load(): number; save(seq: number): void };
}

export type KeysafeLinkPhase = 'down' | 'connecting' | 'hello_wait' | 'up' | 'stale' | 'refused';

export interface KeysafeBridgeStatus {
  deviceId: string;
  phase: KeysafeLinkPhase;
  reason: string | null;
  serial: string | null;
  firmware: string | null;
  protocol: string | null;
  battery: number | null;
  mains: boolean | null;
  doorOpen: boolean | null;
  /** Device clock minus gateway clock at the last STATUS (ms). */
  clockOffsetMs: number | null;
  auditCursor: number;
  /** Reopen attempts scheduled (each failed open or link loss schedules one, with back-off). */
  reconnects: number;
  /** Successful reopens of the transport after a link loss (heartbeat `devices[].reopens`). */
  reopens: number;
  exhausted: number;
}

/** The bridge's phase as the registry's and the bus's link state (the heartbeat's `link`, MQTT-MAP). */
export function linkStateOf(phase: KeysafeLinkPhase): LinkState {
  if (phase === 'up' || phase === 'stale') return phase;
  if (phase === 'connecting' || phase === 'hello_wait') return 'connecting';
  return 'down';
}

export function initialKeysafeStatus(deviceId: string): KeysafeBridgeStatus {
  return {
    deviceId,
    phase: 'down',
    reason: null,
    serial: null,
    firmware: null,
    protocol: null,
    battery: null,
    mains: null,
    doorOpen: null,
    clockOffsetMs: null,
    auditCursor: 0,
    reconnects: 0,
    reopens: 0,
    exhausted: 0,
  };
}
