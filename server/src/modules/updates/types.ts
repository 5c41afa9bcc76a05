/** The shapes of the updates module (README.md beside this file). */

export interface Release {
  version: string;
  arch: string;
  sha256: string;
  size: number;
  keyId: string;
  notes: string;
  uploadedAt: number;
  uploadedBy: string;
}

/** Which units a rollout is for: every enrolled gateway, or the gateways of some homes / some gateways. */
export type RolloutTarget = { all: true } | { homes?: string[]; gateways?: string[] };

export type RolloutState = 'running' | 'paused' | 'completed' | 'aborted';

export const UNIT_STATES = [
  'pending',
  'offered',
  'installing',
  'healthy',
  'rolled_back',
  'failed',
  'refused',
] as const;
export type UnitState = (typeof UNIT_STATES)[number];
/** States a unit does not leave by itself in this rollout. */
export const FINAL_UNIT_STATES: ReadonlySet<UnitState> = new Set([
  'healthy',
  'rolled_back',
  'failed',
  'refused',
]);

export interface Rollout {
  id: string;
  version: string;
  target: RolloutTarget;
  /** Cumulative share of the units (percent) each wave reaches, ending at 100, e.g. `[10, 50, 100]`. */
  waves: number[];
  /** The wave being offered (0-based). */
  wave: number;
  state: RolloutState;
  pauseReason: string | null;
  /** Pause when more than this share (percent) of a wave's finished units failed or rolled back. */
  maxFailurePct: number;
  waveStartedAt: number | null;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
}

export interface RolloutUnit {
  rolloutId: string;
  gatewayId: string;
  homeId: string | null;
  wave: number;
  state: UnitState;
  transactionId: string | null;
  runningVersion: string | null;
  reason: string | null;
  offeredAt: number | null;
  updatedAt: number;
}

export type UnitCounts = Record<UnitState, number>;
