import { join } from 'node:path';
import { createGateway, createLogger, type Gateway, parseConfig } from '@baken/gateway';
import { type Clock, MockBleScanner, NodeBleScanner, openNodeBle, SerialPortLink } from '@baken/hardware';
import { findProgram } from '@baken/hardware/testing/external-program';
import { type Home, startHome } from '../home.js';
import type { DemoHomeState } from './seed-demo.js';

export interface RunningDemoHome {
  home: Home;
  gateway: Gateway;
  /** Resolves when the server's config (with the pendant's key) has reached the gateway. */
  serverConfig: Promise<void>;
  /** `mock` or `real`, and why, for the banner. */
  transports: { mode: 'mock' | 'real'; note: string };
  stop(): Promise<void>;
}

/** `auto` picks the real transports only when both outside programs are there. */
export function chooseTransports(wanted: 'mock' | 'real' | 'auto'): { mode: 'mock' | 'real'; note: string } {
  const missing = ['socat', 'dbus-daemon'].filter((p) => !findProgram(p));
  if (wanted === 'mock') return { mode: 'mock', note: 'in-memory radio and cable (--transports mock)' };
  if (wanted === 'real') {
    if (missing.length > 0) {
      throw new Error(`BAKEN_ERR_DEMO_TRANSPORT: --transports real needs ${missing.join(' and ')} installed`);
    }
    return {
      mode: 'real',
      note: 'socat pty pair (key safe) + BlueZ stand-in on a private dbus-daemon (pendant)',
    };
  }
  return missing.length > 0
    ? { mode: 'mock', note: `in-memory radio and cable (${missing.join(' and ')} not installed)` }
    : { mode: 'real', note: 'socat pty pair (key safe) + BlueZ stand-in on a private dbus-daemon (pendant)' };
}

/**
 * The simulated home (device-sim pendant + key safe) behind the REAL gateway code (bridges, outbox,
 * uplink), connected to the server's broker with the credentials the home unit was provisioned with.
 */
export async function startDemoHome(opts: {
  state: DemoHomeState;
  mqttUrl: string;
  dataDir: string;
  clock: Clock;
  transports: 'mock' | 'real' | 'auto';
  logLevel: string;
}): Promise<RunningDemoHome> {
  const choice = chooseTransports(opts.transports);
  const { state, clock } = opts;
  const home = await startHome(
    {
      pendants: [
        {
          id: state.pendant.id,
          address: state.pendant.address,
          format: 'bthome-encrypted',
          key: state.pendant.keyHex,
          heartbeatMs: 60_000,
        },
      ],
      keySafe: {
        serial: state.keySafe.serial,
        key: state.keySafe.keyHex,
        nvPath: join(opts.dataDir, 'keysafe-nv.json'),
        link: 'serial',
      },
    },
    choice.mode === 'real' ? { serial: 'pty', ble: 'bluez' } : { serial: 'mock', ble: 'mock' },
    clock,
  );
  const session = choice.mode === 'real' ? openNodeBle({ busAddress: home.ble.busAddress! }) : undefined;
  const scanner =
    session !== undefined
      ? new NodeBleScanner({ session, clock })
      : new MockBleScanner({ clock, ...(home.ble.air ? { air: home.ble.air } : {}) });
  const hostLink = home.serial?.hostLink;
  const logger = createLogger(opts.logLevel);
  const gateway = createGateway({
    config: parseConfig({
      dataDir: opts.dataDir,
      credentialsFile: join(opts.dataDir, 'credentials.json'),
      mqtt: { primaryUrl: opts.mqttUrl },
      heartbeat: { intervalMs: 15_000 },
      log: { level: opts.logLevel },
      devices: [
        { id: state.pendant.id, kind: 'pendant', address: state.pendant.address },
        { id: state.keySafe.id, kind: 'keysafe', serialPath: home.serial!.path },
      ],
    }),
    credentials: {
      gatewayId: state.gatewayId,
      server: 'demo',
      mqtt: { username: state.mqttUsername, password: state.mqttPassword },
      provisionedAt: 0,
    },
    clock,
    logger,
    softwareVersion: '0.1.0-demo',
    transports: {
      openBleScanner: () => scanner,
      openSerial: (o) =>
        hostLink && o.path === hostLink.path ? hostLink : new SerialPortLink({ ...o, clock }),
    },
  });
  // The pendant's bind key arrives in the server's retained config once the unit is online.
  const serverConfig = new Promise<void>((resolve) => {
    const off = gateway.bus.on('server-config', () => {
      off();
      resolve();
    });
  });
  await gateway.start();
  return {
    home,
    gateway,
    serverConfig,
    transports: choice,
    async stop() {
      // Ctrl-C reaches socat and dbus-daemon too: links going down now are the stop, not news.
      logger.level = 'silent';
      await gateway.stop();
      session?.destroy();
      await home.stop();
    },
  };
}
