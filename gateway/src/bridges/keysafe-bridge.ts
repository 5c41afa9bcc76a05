import type { Clock, TimerHandle } from '@baken/hardware';
import {
  KS_PROTOCOL_MAJOR,
  type KsFrame,
  type KsHandleResult,
  type KsHello,
  type KsInbound,
  type KsMessage,
  type KsOutcome,
  KsReason,
  KsStatusFlag,
  KsType,
  ksEncodeMessage,
} from '@baken/protocols';
import type { Logger } from 'pino';
import type { DeviceRegistry } from '../devices/device-registry.js';
import type { GatewayBus } from '../event-bus.js';
import type { Extension } from '../extension.js';
import { Backoff } from '../uplink/backoff.js';
import type { FrameTransport } from './frame-transport.js';
import { KeysafeAuditReader } from './keysafe-audit-reader.js';
import { CommandTracker } from './keysafe-commands.js';
import { auditRecordsEvent, keysafeDeviceEvent } from './keysafe-events.js';
import { encodeKsFrame, KsLinkHop } from './keysafe-link-hop.js';
import {
  initialKeysafeStatus,
  type KeysafeBridgeOptions,
  type KeysafeBridgeStatus,
  type KeysafeLinkPhase,
  linkStateOf,
} from './keysafe-link-status.js';

export type { KeysafeBridgeOptions, KeysafeBridgeStatus, KeysafeLinkPhase } from './keysafe-link-status.js';

/**
 * One key safe on one frame transport [KS-SERIAL §4–§10]. Link state machine:
 * `connecting` → (open) `hello_wait` → (HELLO with major 1 and the expected serial, or a STATUS) `up`;
 * `stale` when a frame exhausted its retransmissions; `down` on unplug/link loss, then reopened with
 * back-off on the injected clock; `refused` after a HELLO with another major version or serial.
 * Every reliable frame from the device is ACKed (or NAKed) and acted on once [KS-SERIAL §4.5];
 * events go to the bus with deterministic ids; STATUS is polled; the audit buffer is read from the
 * last forwarded SEQ and forwarded as `audit_records`. Server commands (`keysafe_frame`) are sent with
 * their TYPE and PAYLOAD byte for byte as received (the MAC covers those; only the link header SEQ and
 * CRC of this hop are ours [KS-SERIAL §4.1, §8.1]); the device's answer frame goes back unchanged.
 * The bridge never builds an authenticated command: time sync, opening, codes only come relayed.
 */
export class KeysafeBridge implements Extension {
  readonly name: string;
  readonly #bus: GatewayBus;
  readonly #devices: DeviceRegistry;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #transport: FrameTransport;
  readonly #opts: KeysafeBridgeOptions;
  readonly #backoff: Backoff;
  readonly #commands: CommandTracker;
  readonly #hop: KsLinkHop;
  #running = false;
  #reconnectTimer: TimerHandle | undefined;
  #timers: TimerHandle[] = [];
  #offs: (() => void)[] = [];
  #hello: KsHello | null = null;
  readonly #audit: KeysafeAuditReader;
  #lastNak: Uint8Array | undefined;
  /** The transport was open once: the next successful open is a reopen (after an unplug). */
  #wasOpen = false;
  readonly #status: KeysafeBridgeStatus;

  constructor(
    deps: {
      bus: GatewayBus;
      devices: DeviceRegistry;
      clock: Clock;
      logger: Logger;
      transport: FrameTransport;
    },
    opts: KeysafeBridgeOptions,
  ) {
    this.name = `keysafe-bridge:${opts.deviceId}`;
    this.#bus = deps.bus;
    this.#devices = deps.devices;
    this.#clock = deps.clock;
    this.#log = deps.logger.child({ deviceId: opts.deviceId });
    this.#transport = deps.transport;
    this.#opts = opts;
    this.#backoff = new Backoff({
      ...(opts.reconnect ?? { initialMs: 1_000, maxMs: 60_000 }),
      ...(opts.random === undefined ? {} : { random: opts.random }),
    });
    this.#hop = new KsLinkHop(deps.clock, deps.transport, this.#log, (a) => this.#onAction(a));
    this.#commands = new CommandTracker(deps.bus, opts.deviceId);
    this.#audit = new KeysafeAuditReader(opts.auditCursor);
    this.#status = initialKeysafeStatus(opts.deviceId);
  }

  get deviceId(): string {
    return this.#opts.deviceId;
  }

  status(): KeysafeBridgeStatus {
    return { ...this.#status, auditCursor: this.#audit.cursor };
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#audit.load();
    this.#devices.register(this.#opts.deviceId, 'keysafe');
    const onData = (chunk: Uint8Array): void => {
      // [KS-SERIAL §4.5] ACK first, then act: what a message triggers runs after its answer went out
      const after: (() => void)[] = [];
      this.#hop.receive(
        chunk,
        (frame) => this.#onFrame(frame),
        (inbound) => this.#onInbound(inbound, after),
      );
      for (const act of after) act();
    };
    const onDown = (info: { remote: boolean }): void => this.#onDown(info.remote ? 'link lost' : 'closed');
    this.#transport.on('data', onData);
    this.#transport.on('down', onDown);
    this.#offs = [
      () => this.#transport.off('data', onData),
      () => this.#transport.off('down', onDown),
      this.#bus.on('command', (req) => {
        if (req.deviceId !== this.#opts.deviceId || req.kind !== 'keysafe_frame') return;
        const item = this.#commands.accept(req, this.#linkUp);
        if (item) this.#hop.send(item);
      }),
    ];
    this.#timers = [
      this.#clock.setInterval(() => this.pollStatus(), this.#opts.statusPollIntervalMs ?? 60_000, {
        unref: true,
      }),
      this.#clock.setInterval(() => this.readAudit(), this.#opts.auditPollIntervalMs ?? 15 * 60_000, {
        unref: true,
      }),
    ];
    await this.#connect();
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    for (const t of this.#timers.splice(0)) this.#clock.clearInterval(t);
    this.#hop.stop();
    this.#clock.clearTimeout(this.#reconnectTimer);
    for (const off of this.#offs.splice(0)) off();
    this.#commands.failAll('BAKEN_ERR_KEYSAFE_STOPPED');
    await this.#transport.close().catch(() => {});
    this.#setPhase('down', 'stopped');
  }

  /** Sends STATUS_POLL now [KS-SERIAL §9.4]. */
  pollStatus(): void {
    if (this.#linkUp || this.#status.phase === 'hello_wait')
      this.#sendPlain({ kind: 'status_poll' }, 'internal:status');
  }

  /** Reads the audit buffer from the last forwarded SEQ (periodically and on request) [KS-SERIAL §9.1]. */
  readAudit(): void {
    if (!this.#linkUp) return;
    const request = this.#audit.next();
    if (request) this.#sendPlain(request, 'internal:audit');
  }

  async #connect(): Promise<void> {
    if (!this.#running) return;
    this.#setPhase('connecting', null);
    try {
      await this.#transport.open();
    } catch (err) {
      this.#log.warn(
        { err: String(err), transport: this.#transport.description },
        'key safe link open failed',
      );
      this.#setPhase('down', 'open failed');
      this.#scheduleReconnect();
      return;
    }
    if (!this.#running) {
      await this.#transport.close();
      return;
    }
    if (this.#wasOpen) {
      // the same device path opened again after a link loss, e.g. a stable by-id name after an unplug
      this.#status.reopens += 1;
      this.#devices.update(this.#opts.deviceId, { reopens: this.#status.reopens });
      this.#log.info(
        { transport: this.#transport.description, reopens: this.#status.reopens },
        'key safe link reopened',
      );
    }
    this.#wasOpen = true;
    // [KS-SERIAL §4.1, §4.5] the device's duplicate filter outlives our restarts: start at a random
    // SEQ so our first frame is not mistaken for a retransmission of the last one it accepted
    const random = this.#opts.random ?? Math.random;
    this.#hop.reset(Math.floor(random() * 256));
    this.#setPhase('hello_wait', null);
    // a device that was already running sends no HELLO: a STATUS answer also proves the link
    this.pollStatus();
  }

  #scheduleReconnect(): void {
    if (!this.#running) return;
    this.#clock.clearTimeout(this.#reconnectTimer);
    const delay = this.#backoff.next();
    this.#status.reconnects += 1;
    this.#reconnectTimer = this.#clock.setTimeout(() => void this.#connect(), delay, { unref: true });
  }

  #onDown(reason: string): void {
    this.#hop.abort();
    this.#commands.failAll('BAKEN_ERR_KEYSAFE_LINK_DOWN');
    this.#audit.abandon();
    this.#hello = null;
    if (!this.#running) return;
    this.#log.warn({ reason }, 'key safe link down');
    this.#setPhase('down', reason);
    this.#scheduleReconnect();
  }

  /** Frames can be sent: the device answered (`stale` still retries every frame). */
  get #linkUp(): boolean {
    return this.#status.phase === 'up' || this.#status.phase === 'stale';
  }

  #setPhase(phase: KeysafeLinkPhase, reason: string | null): void {
    const changed = this.#status.phase !== phase;
    this.#status.phase = phase;
    this.#status.reason = reason;
    if (!changed) return;
    const state = linkStateOf(phase);
    this.#devices.update(this.#opts.deviceId, { link: state });
    this.#bus.emit('link-state', {
      deviceId: this.#opts.deviceId,
      deviceKind: 'keysafe',
      state,
      ...(reason === null ? {} : { reason }),
    });
  }

  #markAlive(): void {
    if (this.#status.phase === 'hello_wait' || this.#status.phase === 'stale') {
      this.#backoff.reset();
      this.#setPhase('up', null);
    }
  }

  // ---- receive ----------------------------------------------------------------------------------

  /** Every whole frame from the device, before the engine handles it. */
  #onFrame(frame: KsFrame): void {
    this.#devices.update(this.#opts.deviceId, { lastSeen: this.#clock.now() });
    if (frame.type === KsType.Nak) this.#lastNak = encodeKsFrame(frame);
  }

  /** A new reliable frame (the engine filtered retransmissions): its answer, and what to do after. */
  #onInbound(inbound: KsInbound, after: (() => void)[]): KsHandleResult {
    if ('nak' in inbound) return { nak: inbound.nak };
    const { frame, msg } = inbound;
    if (msg.kind === 'hello') return this.#onHello(msg, after);
    if (this.#status.phase === 'refused') return { ack: true };
    if (isCommand(frame.type)) return { nak: KsReason.UnknownType };
    after.push(() => this.#onMessage(frame, msg));
    return { ack: true };
  }

  #onHello(hello: KsHello, after: (() => void)[]): KsHandleResult {
    if (hello.protocolMajor !== KS_PROTOCOL_MAJOR) {
      this.#log.error({ major: hello.protocolMajor }, 'key safe speaks another KS-SERIAL major version');
      this.#setPhase('refused', 'unsupported_version');
      return { nak: KsReason.UnsupportedVersion };
    }
    const fw = hello.firmware;
    this.#status.serial = hello.serial;
    this.#status.firmware = `${fw.major}.${fw.minor}.${fw.patch}`;
    this.#status.protocol = `${hello.protocolMajor}.${hello.protocolMinor}`;
    if (this.#opts.serial !== undefined && hello.serial !== this.#opts.serial) {
      this.#log.error(
        { serial: hello.serial, expected: this.#opts.serial },
        'key safe reports another serial',
      );
      this.#setPhase('refused', 'wrong_serial');
      return { ack: true };
    }
    this.#hello = hello;
    this.#devices.update(this.#opts.deviceId, { firmware: this.#status.firmware });
    this.#backoff.reset();
    this.#setPhase('up', null);
    after.push(() => {
      this.pollStatus();
      this.readAudit();
    });
    return { ack: true };
  }

  #onMessage(frame: KsFrame, msg: KsMessage): void {
    const now = this.#clock.now();
    const serial = this.#hello?.serial ?? this.#opts.serial ?? this.#opts.deviceId;
    switch (msg.kind) {
      case 'status': {
        this.#markAlive();
        this.#status.battery = msg.batteryPercent;
        this.#status.mains = (msg.flags & KsStatusFlag.MainsPresent) !== 0;
        this.#status.doorOpen = (msg.flags & KsStatusFlag.DoorOpen) !== 0;
        this.#status.clockOffsetMs = msg.deviceTime * 1000 - now;
        this.#devices.update(this.#opts.deviceId, { battery: msg.batteryPercent });
        const newRecords = this.#audit.onHead(msg.auditHeadSeq);
        this.#commands.answered(frame, encodeKsFrame(frame));
        if (newRecords) this.readAudit();
        return;
      }
      case 'audit_records': {
        this.#markAlive();
        this.#commands.answered(frame, encodeKsFrame(frame));
        const { fresh, more } = this.#audit.onRecords(msg);
        const event = auditRecordsEvent(this.#opts.deviceId, serial, fresh, now);
        if (event) this.#bus.emit('device-event', event);
        if (more) this.readAudit();
        return;
      }
      case 'command_result':
      case 'self_test_result':
        this.#commands.answered(frame, encodeKsFrame(frame));
        return;
      default:
        if ('eventSeq' in msg) {
          this.#markAlive();
          if (msg.kind === 'battery_level') {
            this.#status.battery = msg.percent;
            this.#devices.update(this.#opts.deviceId, { battery: msg.percent });
          }
          if (msg.kind === 'mains_lost' || msg.kind === 'mains_restored')
            this.#status.mains = msg.kind === 'mains_restored';
          this.#bus.emit('device-event', keysafeDeviceEvent(this.#opts.deviceId, serial, msg, now));
        }
    }
  }

  // ---- send -------------------------------------------------------------------------------------

  #sendPlain(msg: KsMessage, tag: string): void {
    const frame = ksEncodeMessage(msg, 0);
    if (!frame.ok) return;
    this.#commands.expectInternal(tag, frame.value.type);
    this.#hop.send({ type: frame.value.type, payload: frame.value.payload, tag });
  }

  #onAction(a: KsOutcome): void {
    switch (a.kind) {
      case 'delivered':
        this.#commands.delivered(a.tag);
        return;
      case 'refused':
        if (a.tag === 'internal:audit') this.#audit.abandon();
        this.#commands.refused(a.tag, a.reason, this.#lastNak);
        return;
      case 'exhausted':
        // [KS-SERIAL §4.4] unreachable: report undelivered, keep polling
        this.#status.exhausted += 1;
        if (a.tag === 'internal:audit') this.#audit.abandon();
        this.#commands.exhausted(a.tag);
        if (this.#status.phase === 'up') this.#setPhase('stale', 'no ACK');
        return;
      case 'overflow':
        this.#commands.busy(a.tag);
        return;
    }
  }
}

const isCommand = (type: number): boolean => type >= 0x40 && type <= 0x5f;
