import type { BleAdvert, BleScanner, Clock } from '@baken/hardware';
import {
  BAKEN_EVENT_CODES,
  BTHOME_INFO_ENCRYPTED,
  decodeBthome,
  pendantEventsFromBthome,
} from '@baken/protocols';
import type { Logger } from 'pino';
import {
  BAKEN_SERVICE_KEY,
  BTHOME_SERVICE_KEY,
  PendantBridge,
  type UnpairedSighting,
} from '../bridges/pendant-bridge.js';
import type { DeviceConfig, GatewayConfig } from '../config/schema.js';
import { DeviceRegistry } from '../devices/device-registry.js';
import { GatewayBus } from '../event-bus.js';

export interface PairPendantOptions {
  config: GatewayConfig;
  scanner: BleScanner;
  clock: Clock;
  logger: Logger;
  /** How long to listen for a press, counted from when the scan runs. Default 60 s. */
  windowMs?: number;
  /**
   * Called once the scan runs. Only then can a press be heard: tell the technician to press here,
   * not before (a real adapter takes a moment to start discovery; one press is about a second of
   * adverts).
   */
  onListening?: () => void;
  /**
   * The bind key of an encrypted BTHome pendant (from its label): with it pairing sees that
   * pendant's button press, which is opaque without it [PENDANT SPEC §2].
   */
  bindKey?: Uint8Array;
  /** Called once for each unpaired encrypted BTHome address heard whose press it cannot see. */
  onEncryptedHeard?: (address: string) => void;
}

export interface PairedPendant {
  device: DeviceConfig;
  format: 'baken' | 'bthome';
  rssi: number | null;
}

/** Baken event codes that mean a button was pressed (not a battery report) [PENDANT SPEC §3.2]. */
const PRESS_CODES = new Set([
  BAKEN_EVENT_CODES.alarm,
  BAKEN_EVENT_CODES.cancel,
  BAKEN_EVENT_CODES.fall,
  BAKEN_EVENT_CODES.test,
]);

const PRESS_KINDS = new Set(['alarm', 'cancel', 'fall', 'test']);

/**
 * `pair pendant`: listens for `windowMs` from when the scan runs (`onListening`); the
 * first UNPAIRED pendant whose button is pressed once (a BTHome button event — for an encrypted
 * BTHome pendant given its `bindKey` — or a Baken press advert) is the one. Resolves with its config
 * entry (id `pendant-<address hex>`), or null when nobody pressed in time. Adverts of paired
 * pendants and non-pendant BLE traffic are ignored. A Baken pendant still needs its key from the
 * server (enrolment) before its presses are accepted.
 */
export async function pairPendant(opts: PairPendantOptions): Promise<PairedPendant | null> {
  const bus = new GatewayBus();
  const bridge = new PendantBridge(
    {
      gatewayId: 'pairing',
      config: opts.config,
      bus,
      devices: new DeviceRegistry(),
      clock: opts.clock,
      logger: opts.logger,
      openScanner: () => opts.scanner,
    },
    { noAdvertRestartMs: 24 * 3_600_000 },
  );
  const windowMs = opts.windowMs ?? 60_000;
  return new Promise<PairedPendant | null>((resolve, reject) => {
    let settled = false;
    const finish = (result: PairedPendant | null): void => {
      if (settled) return;
      settled = true;
      off();
      opts.clock.clearTimeout(timer);
      opts.scanner.off('advert', onRaw);
      void opts.scanner.stop().finally(() => resolve(result));
    };
    const off = bridge.onUnpaired((s: UnpairedSighting) => {
      if (s.format === 'bthome' && s.kinds.some((k) => PRESS_KINDS.has(k))) finish(entry(s));
    });
    // the bridge opens the scanner only once it has a pendant: pairing feeds it directly. Baken
    // adverts are opaque without the key; their event code byte is enough to see a press
    const encryptedHeard = new Set<string>();
    const onEncrypted = (a: BleAdvert, data: Uint8Array): void => {
      const address = a.address.toUpperCase();
      if (bridge.registry.byAddress(a.address)) return;
      if (opts.bindKey !== undefined) {
        const decoded = decodeBthome(data, { address, key: opts.bindKey });
        if (!decoded.ok) return; // another pendant's key, or a damaged advert
        const kinds = pendantEventsFromBthome(decoded.value, { address }).map((e) => e.kind);
        if (kinds.some((k) => PRESS_KINDS.has(k)))
          finish(entry({ address, format: 'bthome', kinds, rssi: a.rssi }));
        return;
      }
      if (encryptedHeard.has(address)) return;
      encryptedHeard.add(address);
      opts.onEncryptedHeard?.(address);
    };
    const onRaw = (a: BleAdvert): void => {
      if (settled) return;
      const bthome = a.serviceData.get(BTHOME_SERVICE_KEY);
      if (
        bthome !== undefined &&
        bthome.length > 0 &&
        ((bthome[0] as number) & BTHOME_INFO_ENCRYPTED) !== 0
      ) {
        onEncrypted(a, bthome);
        return;
      }
      bridge.handleAdvert(a);
      const data = a.serviceData.get(BAKEN_SERVICE_KEY);
      if (settled || data === undefined || data.length < 8 || bridge.registry.byAddress(a.address)) return;
      if (PRESS_CODES.has(data[7] as number))
        finish(entry({ address: a.address.toUpperCase(), format: 'baken', kinds: [], rssi: a.rssi }));
    };
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    opts.scanner.on('advert', onRaw);
    opts.scanner.start().then(
      () => {
        if (settled) return;
        // the window starts when the radio listens, and only now is the technician asked to press
        timer = opts.clock.setTimeout(() => finish(null), windowMs);
        opts.onListening?.();
      },
      (err: unknown) => {
        settled = true;
        off();
        opts.scanner.off('advert', onRaw);
        reject(err);
      },
    );
  });
}

function entry(s: UnpairedSighting): PairedPendant {
  return {
    device: {
      id: `pendant-${s.address.replaceAll(':', '').toLowerCase()}`,
      kind: 'pendant',
      address: s.address,
    },
    format: s.format,
    rssi: s.rssi,
  };
}
