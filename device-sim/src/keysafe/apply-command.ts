import { type KsAuthCommand, KsBlockScope, KsReason, ksSealCodeMaterial } from '@baken/protocols';
import { hex } from '../hex.js';
import type { NvState } from './nv-state.js';

export type CommandEffect =
  | { result: number }
  | { result: 0; unlock: { holderId: number; seconds: number } }
  | { result: 0; setTime: number };

/** Highest code slot a device holds (0xFF in REVOKE means "every slot of the holder") — [KS-SERIAL §8.4]. */
export const KS_SIM_MAX_SLOT = 0xfe;

const without = (list: number[], v: number): number[] => list.filter((x) => x !== v);
const withItem = (list: number[], v: number): number[] => (list.includes(v) ? list : [...list, v]);

/**
 * Executes an accepted authenticated command against NV state — [KS-SERIAL §8.2–§8.6]. Runs only
 * after `ksVerifyCommand` accepted it and the new counter is persisted; never re-verifies.
 */
export function applyCommand(
  nv: NvState,
  cmd: KsAuthCommand,
  key: Uint8Array,
  serial: string,
): CommandEffect {
  switch (cmd.kind) {
    case 'open_now':
      return { result: KsReason.Ok, unlock: { holderId: cmd.holderId, seconds: cmd.unlockSeconds } };
    case 'set_code': {
      if (cmd.slot > KS_SIM_MAX_SLOT) return { result: KsReason.SlotInvalid };
      const material = ksSealCodeMaterial(key, serial, cmd.auth.counter, cmd.sealed);
      if (!material.ok) return { result: KsReason.BadPayload };
      // [KS-SERIAL §8.3] writing a slot replaces all of its previous content.
      nv.slots = nv.slots.filter((s) => s.slot !== cmd.slot);
      nv.slots.push({
        slot: cmd.slot,
        holderId: cmd.holderId,
        validFrom: cmd.validFrom,
        validUntil: cmd.validUntil,
        codeKind: cmd.codeKind,
        oneTime: cmd.oneTime,
        material: hex(material.value),
        // [KS-SERIAL §7.1] the slot's ISSUE: which issued code a later use of it was
        issue: cmd.auth.counter.toString(),
      });
      return { result: KsReason.Ok };
    }
    case 'revoke': {
      const before = nv.slots.length;
      if (cmd.slot === 0xff) {
        nv.slots = nv.slots.filter((s) => cmd.holderId !== 0 && s.holderId !== cmd.holderId);
      } else {
        nv.slots = nv.slots.filter((s) => s.slot !== cmd.slot);
      }
      return { result: before === nv.slots.length && cmd.slot !== 0xff ? KsReason.SlotInvalid : KsReason.Ok };
    }
    case 'block':
    case 'unblock': {
      const on = cmd.kind === 'block';
      const b = nv.blocks;
      if (cmd.scope === KsBlockScope.Safe) b.safe = on;
      else if (cmd.scope === KsBlockScope.Slot)
        b.slots = on ? withItem(b.slots, cmd.target) : without(b.slots, cmd.target);
      else if (cmd.scope === KsBlockScope.Holder)
        b.holders = on ? withItem(b.holders, cmd.target) : without(b.holders, cmd.target);
      else return { result: KsReason.BadPayload };
      return { result: KsReason.Ok };
    }
    case 'time_sync':
      return { result: KsReason.Ok, setTime: cmd.newTime };
    case 'key_install':
      // verified and executed by installKey, never here [KS-SERIAL §8.8]
      return { result: KsReason.BadPayload };
  }
}

/** SLOT/HOLDER_ID an audit record names for a command — [KS-SERIAL §10.2]. */
export function commandSubject(cmd: KsAuthCommand): { slot: number; holderId: number } {
  switch (cmd.kind) {
    case 'open_now':
      return { slot: 0, holderId: cmd.holderId };
    case 'set_code':
    case 'revoke':
      return { slot: cmd.slot, holderId: cmd.holderId };
    case 'block':
    case 'unblock':
      return cmd.scope === KsBlockScope.Slot
        ? { slot: cmd.target, holderId: 0 }
        : { slot: 0, holderId: cmd.scope === KsBlockScope.Holder ? cmd.target : 0 };
    case 'time_sync':
    case 'key_install':
      return { slot: 0, holderId: 0 };
  }
}
