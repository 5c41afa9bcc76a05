import type { KeySafe } from '@baken/device-sim/keysafe/key-safe';
import { attachSerial } from '@baken/device-sim/keysafe/transports';
import { createGateway, type Gateway, parseConfig } from '@baken/gateway';
import { MockSerialWire, SystemClock } from '@baken/hardware';
import { pino } from 'pino';

/**
 * The real gateway with one key safe on an in-memory serial cable, connected to a running server
 * with the credentials it was provisioned with: the home-unit half of the access end-to-end tests.
 * Started, with the safe powered on; the caller stops the gateway (and may unplug the wire).
 */
export async function startSerialHomeUnit(o: {
  safe: KeySafe;
  serial: string;
  dataDir: string;
  serverUrl: string;
  mqttUrl: string;
  creds: { gatewayId: string; mqtt: { password: string } };
}): Promise<{ gw: Gateway; wire: MockSerialWire }> {
  const wire = new MockSerialWire({ pathA: `/dev/mock-ks-${o.serial}`, pathB: `/dev/mock-gw-${o.serial}` });
  await wire.a.open();
  attachSerial(o.safe, wire.a);
  const gw = createGateway({
    config: parseConfig({
      dataDir: o.dataDir,
      mqtt: { primaryUrl: o.mqttUrl },
      devices: [{ id: o.serial, kind: 'keysafe', serialPath: `/dev/mock-gw-${o.serial}` }],
    }),
    credentials: {
      gatewayId: o.creds.gatewayId,
      server: o.serverUrl,
      mqtt: { username: o.creds.gatewayId, password: o.creds.mqtt.password },
      provisionedAt: 0,
    },
    clock: new SystemClock(),
    logger: pino({ level: 'silent' }),
    softwareVersion: '0.1.0-e2e',
    transports: {
      openBleScanner: () => {
        throw new Error('no BLE in this test');
      },
      openSerial: () => wire.b,
    },
  });
  await gw.start();
  o.safe.powerOn();
  return { gw, wire };
}
