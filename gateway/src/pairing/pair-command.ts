import { SystemClock } from '@baken/hardware/clock/system-clock';
import { type FrameTransport, GattFrameTransport, SerialFrameTransport } from '../bridges/frame-transport.js';
import { openRealTransports } from '../bridges/real-transports.js';
import { loadConfig } from '../config/load-config.js';
import { GatewayError } from '../errors.js';
import type { GatewayTransports } from '../gateway.js';
import { createLogger } from '../logger.js';
import { addDeviceToConfigFile } from './config-file.js';
import { pairKeysafe } from './pair-keysafe.js';
import { pairPendant } from './pair-pendant.js';

export interface PairCommandArgs {
  what: 'pendant' | 'keysafe';
  configPath: string;
  windowS: number;
  /** Bind key (hex) of an encrypted BTHome pendant. */
  key?: string;
  serial?: string;
  port?: string;
  ble?: string;
}

export interface PairCommandIo {
  out(text: string): void;
  err(text: string): void;
  /** Injected in tests; default the real bindings. */
  transports?: GatewayTransports;
}

/**
 * Pairing recommends the encrypted mode [PENDANT SPEC §5.1]: a plaintext BTHome pendant's presses
 * and cancels can be forged by anyone in radio range.
 */
export const PLAINTEXT_BTHOME_ADVICE =
  'warning: this pendant is paired as plaintext BTHome: anyone in radio range can forge its alarms and\n' +
  'cancels, and the server marks its cancels as unverified. Recommended: turn on BTHome encryption on\n' +
  'the pendant and pair it on the server with its bind key (PUT /api/v1/devices/{id}/pairing with\n' +
  'format "bthome" and keyHex), or use a Baken pendant.\n';

/**
 * `baken-gateway pair pendant|keysafe`. Adds the paired device to the config file and
 * returns true, or false when nothing was paired in the window. Run it with the daemon stopped (it
 * needs the BLE adapter / serial port to itself), then restart the daemon.
 */
export async function pairCommand(args: PairCommandArgs, io: PairCommandIo): Promise<boolean> {
  const config = loadConfig(args.configPath);
  const clock = new SystemClock();
  const logger = createLogger('warn');
  const real = io.transports === undefined ? openRealTransports(clock) : undefined;
  const transports = io.transports ?? (real as NonNullable<typeof real>).transports;
  const windowMs = args.windowS * 1000;
  try {
    if (args.what === 'pendant') {
      if (!transports.openBleScanner) throw new GatewayError('BAKEN_ERR_NOT_AVAILABLE', 'no BLE scanner');
      io.out('Starting the Bluetooth scan…\n');
      const encrypted: string[] = [];
      const paired = await pairPendant({
        config,
        scanner: await transports.openBleScanner(),
        clock,
        logger,
        windowMs,
        ...(args.key === undefined ? {} : { bindKey: Uint8Array.from(Buffer.from(args.key, 'hex')) }),
        onListening: () =>
          io.out(`Listening for ${args.windowS} s: press the button of the NEW pendant once, now.\n`),
        onEncryptedHeard: (address) => encrypted.push(address),
      });
      if (paired === null) {
        io.err(`no unpaired pendant was pressed within ${args.windowS} s\n`);
        if (encrypted.length > 0)
          io.err(
            `heard encrypted BTHome pendant(s) ${encrypted.join(', ')}: their button is visible only ` +
              "with the bind key; run again with --key HEX (the key on the pendant's label)\n",
          );
        return false;
      }
      addDeviceToConfigFile(args.configPath, paired.device);
      io.out(
        `paired ${paired.format} pendant ${paired.device.address} as ${paired.device.id}` +
          `${paired.format === 'baken' ? ' (its key comes with the server config after enrolment)' : ''}; ` +
          `restart the gateway to use it\n`,
      );
      if (paired.format === 'bthome') io.out(PLAINTEXT_BTHOME_ADVICE);
      return true;
    }
    const serial = args.serial;
    if (serial === undefined || (args.port === undefined) === (args.ble === undefined)) {
      throw new GatewayError(
        'BAKEN_ERR_USAGE',
        'pair keysafe needs --serial SN and exactly one of --port PATH or --ble ADDR',
      );
    }
    let transport: FrameTransport;
    if (args.port !== undefined) {
      if (!transports.openSerial) throw new GatewayError('BAKEN_ERR_NOT_AVAILABLE', 'no serial transport');
      transport = new SerialFrameTransport(
        await transports.openSerial({ path: args.port, baudRate: 115_200 }),
      );
    } else {
      if (!transports.openGatt) throw new GatewayError('BAKEN_ERR_NOT_AVAILABLE', 'no BLE GATT transport');
      transport = new GattFrameTransport(await transports.openGatt(args.ble as string));
    }
    io.out(
      `Waiting up to ${args.windowS} s for key safe ${serial} on ${transport.description} (power-cycle it now).\n`,
    );
    const paired = await pairKeysafe({
      serial,
      link:
        args.port !== undefined ? { serialPath: args.port } : { address: (args.ble as string).toUpperCase() },
      transport,
      clock,
      logger,
      windowMs,
    });
    addDeviceToConfigFile(args.configPath, paired.device);
    io.out(
      `paired key safe ${serial} (firmware ${paired.firmware ?? 'unknown'}); restart the gateway to use it\n` +
        'Unless its key was loaded at the factory: press the pairing button inside its door and, within 5 minutes, ' +
        `send the installation code printed there to the server (POST /api/v1/access/keysafes/${serial}/key-install; KS-SERIAL §8.8)\n`,
    );
    return true;
  } finally {
    real?.close();
  }
}
