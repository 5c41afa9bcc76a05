import type { Clock } from '@baken/hardware';
import type { Logger } from 'pino';
import type { FrameTransport } from '../bridges/frame-transport.js';
import { KeysafeBridge } from '../bridges/keysafe-bridge.js';
import type { DeviceConfig } from '../config/schema.js';
import { DeviceRegistry } from '../devices/device-registry.js';
import { GatewayError } from '../errors.js';
import { GatewayBus } from '../event-bus.js';

export interface PairKeysafeOptions {
  serial: string;
  /** Where it is connected (goes into the config entry). */
  link: { serialPath: string } | { address: string };
  transport: FrameTransport;
  clock: Clock;
  logger: Logger;
  /** How long to wait for the key safe's HELLO. Default 60 s. */
  windowMs?: number;
}

export interface PairedKeysafe {
  device: DeviceConfig;
  firmware: string | null;
}

/**
 * `pair keysafe --serial SN --port PATH | --ble ADDR`: opens the link and waits for the
 * key safe's HELLO [KS-SERIAL §6], which a key safe sends after every start and BLE connection (the
 * technician power-cycles a wired one). It must report exactly `serial` and KS-SERIAL major 1;
 * otherwise pairing fails with `BAKEN_ERR_PAIRING` naming what it saw. The config entry's id is the
 * serial number.
 */
export async function pairKeysafe(opts: PairKeysafeOptions): Promise<PairedKeysafe> {
  const bus = new GatewayBus();
  const bridge = new KeysafeBridge(
    { bus, devices: new DeviceRegistry(), clock: opts.clock, logger: opts.logger, transport: opts.transport },
    { deviceId: opts.serial, serial: opts.serial, reconnect: { initialMs: 500, maxMs: 5_000 } },
  );
  const windowMs = opts.windowMs ?? 60_000;
  try {
    const outcome = await new Promise<'hello' | 'refused' | 'timeout'>((resolve) => {
      const done = (outcome: 'hello' | 'refused' | 'timeout'): void => {
        opts.clock.clearTimeout(timer);
        opts.clock.clearInterval(poll);
        resolve(outcome);
      };
      const timer = opts.clock.setTimeout(() => done('timeout'), windowMs);
      // a STATUS answer brings the link up too, but only a HELLO names the serial
      const poll = opts.clock.setInterval(() => {
        const s = bridge.status();
        if (s.phase === 'refused') done('refused');
        else if (s.phase === 'up' && s.serial !== null) done('hello');
      }, 100);
      void bridge.start();
    });
    const s = bridge.status();
    if (outcome === 'hello') {
      const device: DeviceConfig = { id: opts.serial, kind: 'keysafe', ...opts.link };
      return { device, firmware: s.firmware };
    }
    if (outcome === 'refused') {
      throw new GatewayError(
        'BAKEN_ERR_PAIRING',
        s.reason === 'wrong_serial'
          ? `the key safe on ${opts.transport.description} reports serial ${s.serial}, not ${opts.serial}`
          : `the key safe on ${opts.transport.description} speaks an unsupported KS-SERIAL version`,
        { reason: s.reason },
      );
    }
    throw new GatewayError(
      'BAKEN_ERR_PAIRING',
      `no HELLO from a key safe on ${opts.transport.description} within ${Math.round(windowMs / 1000)} s: ` +
        'check the cable or BLE address, then power-cycle the key safe during pairing',
      { phase: s.phase },
    );
  } finally {
    await bridge.stop();
  }
}
