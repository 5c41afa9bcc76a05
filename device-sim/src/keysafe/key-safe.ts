import { EventEmitter } from 'node:events';
import type { TimerHandle } from '@baken/hardware';
import {
  KS_AUTH_COMMAND_TYPES,
  KS_MESSAGE_TYPES,
  KS_PROTOCOL_MAJOR,
  KS_PROTOCOL_MINOR,
  KsAuditKind,
  type KsAuthCommand,
  KsCapability,
  type KsEvent,
  type KsKeyInstall,
  type KsMessage,
  KsReason,
  KsStatusFlag,
  KsType,
  ksCodeUseRecordFields,
  ksVerifyCommand,
} from '@baken/protocols';
import { SimError } from '../errors.js';
import { applyCommand, commandSubject } from './apply-command.js';
import { appendAudit } from './audit-log.js';
import { CodeUseFallback } from './code-use-fallback.js';
import { DeviceClock } from './device-clock.js';
import { auditKey, deviceKey, installKey, PairingWindow } from './key-install.js';
import { KEY_SAFE_CAPABILITIES, type KeySafeOptions, resolvedPolicy } from './key-safe-config.js';
import { type CodeEntryResult, type KsEventBody, keypadEntry } from './keypad.js';
import { type KsHandleResult, KsLinkEndpoint, type KsOutcome } from './ks-link-endpoint.js';
import type { NvState } from './nv-state.js';
import { plainResponse } from './plain-commands.js';

export type { CodeEntryResult } from './keypad.js';

export interface KeySafeEvents {
  /** An event the firmware raised (also queued to the link and written to the audit). */
  event: [event: KsEvent];
  /** An authenticated command was executed (exactly once per accepted counter). */
  executed: [cmd: KsAuthCommand, result: number];
  /** An authenticated command was refused with a `KsReason`. */
  refused: [cmd: KsAuthCommand, reason: number];
  outcome: [outcome: KsOutcome];
  power: [on: boolean];
}

/**
 * The key-safe firmware model: one instance is reachable over KS-SERIAL on a serial link and over
 * the GATT mapping (attach a transport with `setWriter`/`receive`). NV state lives in the injected
 * store; power loss drops everything else.
 */
export class KeySafe extends EventEmitter<KeySafeEvents> {
  readonly serial: string;
  readonly rtc: DeviceClock;
  readonly #o: KeySafeOptions;
  readonly #capacity: number;
  #nv: NvState | null = null;
  #endpoint: KsLinkEndpoint | null = null;
  #writer: (bytes: Uint8Array) => void | Promise<void> = () => undefined;
  #unlockTimer: TimerHandle | undefined;
  #lockoutTimer: TimerHandle | undefined;
  #clockReportTimer: TimerHandle | undefined;
  #unlockedFor: number | null = null;
  readonly #pairing = new PairingWindow();
  readonly #codeUseFallback = new CodeUseFallback();
  /** Physical state, kept across power loss. */
  readonly physical = { doorOpen: false, keysPresent: new Set<number>([1]), tamper: false };
  battery: number;
  mains: boolean;
  selfTestFaults = 0;
  /** Fault switch: the device hears nothing and answers nothing (firmware hung, radio dead). */
  muted = false;

  constructor(opts: KeySafeOptions) {
    super();
    this.#o = opts;
    this.serial = opts.serial;
    this.rtc = new DeviceClock(opts.clock, opts.drift);
    this.#capacity = opts.auditCapacity ?? 1000;
    this.battery = opts.batteryPercent ?? 100;
    this.mains = opts.mains ?? true;
  }

  get powered(): boolean {
    return this.#nv !== null;
  }

  get endpoint(): KsLinkEndpoint | null {
    return this.#endpoint;
  }

  /** Snapshot of NV state (tests and status); throws while powered off. */
  get nv(): NvState {
    if (this.#nv === null) throw new SimError('BAKEN_ERR_SIM_POWERED_OFF', `${this.serial} is powered off`);
    return structuredClone(this.#nv);
  }

  get unlocked(): boolean {
    return this.#unlockedFor !== null;
  }

  /** Where the link layer writes bytes (serial write, GATT notify). */
  setWriter(write: (bytes: Uint8Array) => void | Promise<void>): void {
    this.#writer = write;
  }

  /** Bytes from the transport. */
  receive(bytes: Uint8Array): void {
    if (this.muted) return;
    this.#endpoint?.receive(bytes);
  }

  /** Boot: load NV, log POWER_ON, send HELLO — [KS-SERIAL §6]. */
  powerOn(): void {
    if (this.#nv !== null) return;
    this.#nv = this.#o.nv.load();
    this.#endpoint = new KsLinkEndpoint({
      clock: this.#o.clock,
      write: (b) => (this.muted ? undefined : this.#writer(b)),
      onMessage: (m) => this.#onMessage(m),
      onOutcome: (o) => {
        const again = this.#codeUseFallback.onOutcome(o);
        if (again !== null) this.#endpoint?.send(again);
        this.emit('outcome', o);
      },
      ...(this.#o.sender === undefined ? {} : { sender: this.#o.sender }),
    });
    this.#audit({
      deviceTime: this.rtc.nowSeconds(),
      kind: KsAuditKind.PowerOn,
      slot: 0,
      holderId: 0,
      value: 0,
    });
    this.#save();
    this.#sendHello();
    this.#armLockoutEnd();
    // [KS-SERIAL §7] CLOCK_REPORT at boot and at least hourly, so the server can measure drift.
    const report = (): void => {
      const nv = this.#nv;
      if (nv !== null)
        this.#raise({ kind: 'clock_report', clockValid: nv.clockValid, lastSyncAt: nv.lastSyncAt });
    };
    report();
    this.#clockReportTimer = this.#o.clock.setInterval(report, 3_600_000, { unref: true });
    this.emit('power', true);
  }

  /**
   * A central connected over BLE: the link starts afresh with HELLO — [KS-SERIAL §6]. (It is
   * retransmitted until the central, once subscribed, ACKs it.)
   */
  bleConnected(): void {
    if (this.#endpoint === null) return;
    this.#endpoint.reset();
    this.#sendHello();
  }

  #sendHello(): void {
    this.#endpoint?.send({
      kind: 'hello',
      protocolMajor: KS_PROTOCOL_MAJOR,
      protocolMinor: KS_PROTOCOL_MINOR,
      serial: this.serial,
      firmware: this.#o.firmware ?? { major: 1, minor: 0, patch: 0 },
      capabilities:
        KEY_SAFE_CAPABILITIES | (this.#o.installSecret === undefined ? 0 : KsCapability.PairingButton),
    });
  }

  /** Power cut: RAM state (link, queued events, unlock) is gone; NV stays as last saved. */
  powerOff(opts: { rtcLost?: boolean } = {}): void {
    if (this.#nv === null) return;
    this.#endpoint?.stop();
    this.#endpoint = null;
    this.#o.clock.clearTimeout(this.#unlockTimer);
    this.#o.clock.clearTimeout(this.#lockoutTimer);
    this.#o.clock.clearInterval(this.#clockReportTimer);
    this.#unlockedFor = null;
    this.#nv = null;
    if (opts.rtcLost === true) {
      const nv = this.#o.nv.load();
      nv.clockValid = false;
      this.#o.nv.save(nv);
      // The RTC restarts from zero: no code window matches until an authenticated TIME_SYNC.
      this.rtc.set(0);
    }
    this.emit('power', false);
  }

  /** A person types a code on the keypad — [OTC SPEC §4, §6]. */
  enterCode(code: string): CodeEntryResult {
    const nv = this.#nv;
    if (nv === null) return 'powered_off';
    const policy = { maxAttempts: this.#o.maxAttempts ?? 5, lockoutSeconds: this.#o.lockoutSeconds ?? 900 };
    const outcome = keypadEntry(nv, this.serial, code, this.rtc.nowSeconds(), policy);
    for (const e of outcome.events) this.#raise(e);
    if (outcome.unlockHolder !== null) this.#unlock(outcome.unlockHolder, this.#o.unlockSeconds ?? 10);
    if (outcome.events.some((e) => e.kind === 'lockout_started')) this.#armLockoutEnd();
    return outcome.result;
  }

  /**
   * The technician presses the pairing button inside the door: KEY_INSTALL is accepted for the next
   * 300 s — [KS-SERIAL §8.8]. (The simulator does not model the door around the button.)
   */
  pressPairingButton(): void {
    if (this.#nv !== null) this.#pairing.open(this.rtc.nowSeconds());
  }

  openDoor(): void {
    if (this.physical.doorOpen) return;
    this.physical.doorOpen = true;
    this.#raise(this.unlocked ? { kind: 'door_opened' } : { kind: 'door_forced' });
  }

  closeDoor(): void {
    if (!this.physical.doorOpen) return;
    this.physical.doorOpen = false;
    this.#raise({ kind: 'door_closed' });
    this.#lock();
  }

  takeKey(hook = 1): void {
    if (!this.physical.keysPresent.delete(hook)) return;
    this.#raise({ kind: 'key_taken', hook });
  }

  returnKey(hook = 1): void {
    if (this.physical.keysPresent.has(hook)) return;
    this.physical.keysPresent.add(hook);
    this.#raise({ kind: 'key_returned', hook });
  }

  setTamper(source: number): void {
    this.physical.tamper = source !== 0;
    if (source !== 0) this.#raise({ kind: 'tamper', source });
  }

  setBattery(percent: number): void {
    this.battery = Math.max(0, Math.min(100, Math.round(percent)));
    this.#raise({ kind: 'battery_level', percent: this.battery, millivolts: 4800 + this.battery * 12 });
  }

  setMains(present: boolean): void {
    if (present === this.mains) return;
    this.mains = present;
    this.#raise(present ? { kind: 'mains_restored' } : { kind: 'mains_lost' });
  }

  statusFlags(): number {
    const nv = this.#nv;
    let f = 0;
    if (this.physical.doorOpen) f |= KsStatusFlag.DoorOpen;
    if (this.physical.keysPresent.size > 0) f |= KsStatusFlag.KeyPresent;
    if (nv?.blocks.safe === true) f |= KsStatusFlag.Blocked;
    if (nv !== null && nv.lockout.until > this.rtc.nowSeconds()) f |= KsStatusFlag.LockedOut;
    if (this.mains) f |= KsStatusFlag.MainsPresent;
    if (this.physical.tamper) f |= KsStatusFlag.Tamper;
    if (nv?.clockValid === true) f |= KsStatusFlag.ClockValid;
    if (this.#pairing.isOpen(this.rtc.nowSeconds())) f |= KsStatusFlag.Pairing;
    return f;
  }

  #onMessage(msg: KsMessage): KsHandleResult {
    const nv = this.#nv;
    if (nv === null) return { nak: KsReason.Busy };
    if (msg.kind === 'key_install') return this.#onKeyInstall(nv, msg);
    if (KS_AUTH_COMMAND_TYPES.has(KS_MESSAGE_TYPES[msg.kind]))
      return this.#onAuthCommand(nv, msg as KsAuthCommand);
    const reply = plainResponse(msg, {
      nv,
      deviceTime: this.rtc.nowSeconds(),
      flags: this.statusFlags(),
      batteryPercent: this.battery,
      selfTestFaults: this.selfTestFaults,
    });
    if (reply === null) return { nak: KsReason.UnknownType };
    this.#endpoint?.send(reply);
    return { ack: true };
  }

  /** [KS-SERIAL §8.7]: verify, persist the counter BEFORE acting, ACK, act, COMMAND_RESULT. */
  #onAuthCommand(nv: NvState, cmd: KsAuthCommand): KsHandleResult {
    const now = this.rtc.nowSeconds();
    const type = KS_MESSAGE_TYPES[cmd.kind];
    const state = { serial: this.serial, lastCounter: BigInt(nv.lastCounter), clockValid: nv.clockValid };
    const key = deviceKey(nv, this.#o);
    const verdict =
      key === null
        ? ({ accept: false, refuse: KsReason.NoKey, message: 'no key installed' } as const)
        : ksVerifyCommand(state, cmd, now, key, resolvedPolicy(this.#o));
    const subject = commandSubject(cmd);
    if (!verdict.accept) {
      this.#audit({
        deviceTime: now,
        kind: KsAuditKind.CommandRefused,
        ...subject,
        value: (type << 8) | verdict.refuse,
      });
      this.#save();
      this.emit('refused', cmd, verdict.refuse);
      return { nak: verdict.refuse };
    }
    nv.lastCounter = verdict.newState.lastCounter.toString();
    nv.clockValid = verdict.newState.clockValid;
    this.#audit({ deviceTime: now, kind: KsAuditKind.CommandAccepted, ...subject, value: type });
    const effect = applyCommand(nv, cmd, key as Uint8Array, this.serial);
    this.#save();
    queueMicrotask(() => this.#afterAccept(cmd, effect));
    return { ack: true };
  }

  /** [KS-SERIAL §8.8] KEY_INSTALL: verified under I in the pairing window; K replaced; a new chain. */
  #onKeyInstall(nv: NvState, cmd: KsKeyInstall): KsHandleResult {
    const now = this.rtc.nowSeconds();
    const v = installKey(nv, this.#o, cmd, now, this.#pairing.isOpen(now));
    if (!v.accept) {
      const value = (KsType.KeyInstall << 8) | v.refuse;
      this.#audit({ deviceTime: now, kind: KsAuditKind.CommandRefused, slot: 0, holderId: 0, value });
      this.#save();
      this.emit('refused', cmd, v.refuse);
      return { nak: v.refuse };
    }
    this.#pairing.close();
    this.#audit({ deviceTime: now, kind: KsAuditKind.KeyInstalled, slot: 0, holderId: 0, value: 0 });
    this.#save();
    queueMicrotask(() => this.#afterAccept(cmd, { result: KsReason.Ok }));
    return { ack: true };
  }

  #afterAccept(cmd: KsAuthCommand, effect: ReturnType<typeof applyCommand>): void {
    const nv = this.#nv;
    if (nv === null) return;
    if ('unlock' in effect) this.#unlock(effect.unlock.holderId, effect.unlock.seconds);
    if ('setTime' in effect) {
      this.rtc.set(effect.setTime);
      nv.lastSyncAt = effect.setTime;
      this.#save();
    }
    this.#endpoint?.send({
      kind: 'command_result',
      commandType: KS_MESSAGE_TYPES[cmd.kind],
      counter: cmd.auth.counter,
      result: effect.result,
      deviceTime: this.rtc.nowSeconds(),
    });
    if ('setTime' in effect)
      this.#raise({ kind: 'clock_report', clockValid: true, lastSyncAt: nv.lastSyncAt });
    this.emit('executed', cmd, effect.result);
  }

  #unlock(holderId: number, seconds: number): void {
    this.#unlockedFor = holderId;
    this.#o.clock.clearTimeout(this.#unlockTimer);
    this.#unlockTimer = this.#o.clock.setTimeout(() => this.#lock(), seconds * 1000, { unref: true });
  }

  #lock(): void {
    this.#o.clock.clearTimeout(this.#unlockTimer);
    this.#unlockTimer = undefined;
    this.#unlockedFor = null;
  }

  #armLockoutEnd(): void {
    const nv = this.#nv;
    this.#o.clock.clearTimeout(this.#lockoutTimer);
    if (nv === null || nv.lockout.until === 0) return;
    const ms = Math.max(0, nv.lockout.until * 1000 - this.rtc.nowMs());
    this.#lockoutTimer = this.#o.clock.setTimeout(
      () => {
        const cur = this.#nv;
        if (cur === null || cur.lockout.until === 0) return;
        cur.lockout.until = 0;
        this.#raise({ kind: 'lockout_ended' });
      },
      ms,
      { unref: true },
    );
  }

  /** An event: audit record (shared SEQ), persisted, then queued reliably to the link — [KS-SERIAL §7]. */
  #raise(body: KsEventBody): void {
    if (this.#nv === null) return;
    const deviceTime = this.rtc.nowSeconds();
    const type = KS_MESSAGE_TYPES[body.kind];
    const b = body as Partial<{
      slot: number;
      holderId: number;
      hook: number;
      source: number;
      percent: number;
    }>;
    const fields =
      body.kind === 'code_used' || body.kind === 'window_code_used'
        ? ksCodeUseRecordFields(body)
        : {
            slot: b.slot ?? b.hook ?? 0,
            holderId: b.holderId ?? (body.kind === 'door_opened' ? (this.#unlockedFor ?? 0) : 0),
            value: b.source ?? b.percent ?? 0,
          };
    const rec = this.#audit({ deviceTime, kind: type, ...fields });
    this.#save();
    const event = { ...body, eventSeq: rec.seq, deviceTime } as KsEvent;
    this.#codeUseFallback.track(this.#endpoint?.send(event), event);
    this.emit('event', event);
  }

  #audit(body: Parameters<typeof appendAudit>[3]) {
    if (this.#nv === null) throw new SimError('BAKEN_ERR_SIM_POWERED_OFF', `${this.serial} is powered off`);
    return appendAudit(this.#nv, auditKey(this.#nv, this.#o), this.#capacity, body);
  }

  #save(): void {
    if (this.#nv !== null) this.#o.nv.save(this.#nv);
  }
}
