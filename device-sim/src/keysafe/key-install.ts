import {
  KS_PAIRING_WINDOW_SECONDS,
  type KsKeyInstall,
  type KsKeyInstallVerdict,
  KsReason,
  ksVerifyKeyInstall,
} from '@baken/protocols';
import { hex } from '../hex.js';
import { type KeySafeOptions, resolvedPolicy } from './key-safe-config.js';
import type { NvState } from './nv-state.js';

/** The pairing window: opened by the button inside the door, closed by time or a KEY_INSTALL. */
export class PairingWindow {
  #until = 0;

  open(nowSec: number): void {
    this.#until = nowSec + KS_PAIRING_WINDOW_SECONDS;
  }

  close(): void {
    this.#until = 0;
  }

  isOpen(nowSec: number): boolean {
    return nowSec < this.#until;
  }
}

/** K the firmware uses now: the installed one, else the factory one, else none — [KS-SERIAL §8.8]. */
export function deviceKey(nv: NvState, opts: KeySafeOptions): Uint8Array | null {
  if (nv.key !== undefined) return new Uint8Array(Buffer.from(nv.key, 'hex'));
  return opts.key ?? null;
}

/** Until a K exists the audit chain is MACed under I (the server ignores those records) — §8.8. */
export function auditKey(nv: NvState, opts: KeySafeOptions): Uint8Array {
  return deviceKey(nv, opts) ?? opts.installSecret ?? new Uint8Array(32);
}

/**
 * Verifies a KEY_INSTALL and, when accepted, replaces K in NV — [KS-SERIAL §8.8]: the command counter
 * restarts under the new K, codes, used codes and blocks of the old key are gone, and the audit
 * chain restarts from zeros (the caller writes KEY_INSTALLED next). The caller persists NV.
 */
export function installKey(
  nv: NvState,
  opts: KeySafeOptions,
  cmd: KsKeyInstall,
  nowSec: number,
  pairing: boolean,
): KsKeyInstallVerdict {
  if (opts.installSecret === undefined) {
    return {
      accept: false,
      refuse: KsReason.NotPairing,
      message: 'no installation secret: cannot be paired',
    };
  }
  const state = {
    serial: opts.serial,
    installCounter: BigInt(nv.installCounter ?? '0'),
    clockValid: nv.clockValid,
    pairing,
  };
  const v = ksVerifyKeyInstall(state, cmd, nowSec, opts.installSecret, resolvedPolicy(opts));
  if (!v.accept) return v;
  nv.key = hex(v.key);
  nv.installCounter = v.installCounter.toString();
  nv.lastCounter = '0';
  nv.slots = [];
  nv.used = {};
  nv.blocks = { safe: false, slots: [], holders: [] };
  nv.audit.headMac = '00'.repeat(16);
  return v;
}
