import { randomBytes } from 'node:crypto';
import type { RunningServer } from '@baken/server';
import { demoApi } from './demo-api.js';
import { type DemoLogin, seedCareTeam } from './seed-care-team.js';

/** What the demo remembers between starts (`<data>/demo/home.json`, mode 0600: it holds secrets). */
export interface DemoHomeState {
  homeId: string;
  gatewayId: string;
  mqttUsername: string;
  mqttPassword: string;
  pendant: { id: string; address: string; keyHex: string };
  keySafe: { id: string; serial: string; keyHex: string };
}

const PENDANT_SERIAL = 'PEN-DEMO-0001';
const PENDANT_ADDRESS = 'C0:FF:EE:00:00:01';
const KEYSAFE_SERIAL = 'KS-SIM-0001';

/**
 * First start only: registers a client, their home, a pendant and a key safe through the server's own
 * HTTP API (as a technician's script would), then enrols the simulated home unit with a one-time
 * token, exactly as `baken-gateway provision` does; then the care team that may enter (seed-care-team).
 */
export async function seedDemo(
  server: RunningServer,
): Promise<{ state: DemoHomeState; logins: DemoLogin[] }> {
  const { app } = server;
  const call = await demoApi(server);

  const client = await call('POST', '/api/v1/clients', {
    name: 'Mevrouw A. de Vries',
    contacts: [{ name: 'Peter de Vries', relation: 'son', phone: '+31 6 0000 0000' }],
  });
  const home = await call('POST', '/api/v1/homes', {
    clientId: client['id'],
    address: 'Lindelaan 12',
    city: 'Utrecht',
    region: 'Utrecht',
  });
  const homeId = String(home['id']);
  const pendant = await call('POST', '/api/v1/devices', {
    serial: PENDANT_SERIAL,
    type: 'pendant',
    model: 'Simulated BTHome button (encrypted)',
    homeId,
    status: 'installed',
  });
  const keySafe = await call('POST', '/api/v1/devices', {
    serial: KEYSAFE_SERIAL,
    type: 'keysafe',
    model: 'Simulated KS-SERIAL key safe',
    homeId,
    status: 'installed',
  });
  // The pendant is an encrypted BTHome button; its bind key reaches the home unit only through the
  // server's config topic (paired here, as a technician would).
  const pendantKeyHex = randomBytes(16).toString('hex');
  await call('PUT', `/api/v1/devices/${String(pendant['id'])}/pairing`, {
    address: PENDANT_ADDRESS,
    format: 'bthome',
    keyHex: pendantKeyHex,
  });
  const enrol = await call('POST', `/api/v1/homes/${homeId}/enrolment-tokens`);
  const prov = await app.inject({
    method: 'POST',
    url: '/api/v1/provision',
    payload: { token: enrol['token'], hardwareId: 'demo-home-unit-1', software: '0.1.0' },
  });
  if (prov.statusCode !== 200)
    throw new Error(`BAKEN_ERR_DEMO_SEED: provision → ${prov.statusCode} ${prov.body}`);
  const p = prov.json() as { gatewayId: string; mqtt: { username: string; password: string } };
  // Factory provisioning: the simulated key safe's key K goes to the server (which signs commands and
  // issues codes with it); the home unit never holds it.
  const keyHex = randomBytes(32).toString('hex');
  await app.access.setup.keys.importKey(
    String(keySafe['id']),
    KEYSAFE_SERIAL,
    new Uint8Array(Buffer.from(keyHex, 'hex')),
    Date.now(),
  );
  // Factory provisioning ends as an installation does: the offline-code key is queued for the key
  // safe (sent once the home unit is online), so a care worker still gets in with an offline code
  // while the home unit is cut off. Without it the Key safes screen said "key not delivered yet".
  const ksDevice = await app.baken.repos.devices.get(String(keySafe['id']));
  if (ksDevice === null) throw new Error('BAKEN_ERR_DEMO_SEED: the key safe just created is gone');
  await app.access.revocation.provisionOfflineKey(ksDevice, 'system:demo-seed');
  const logins = await seedCareTeam(call, String(client['id']));
  const state: DemoHomeState = {
    homeId,
    gatewayId: p.gatewayId,
    mqttUsername: p.mqtt.username,
    mqttPassword: p.mqtt.password,
    // On MQTT a device is named by its registry serial (server access module contract).
    pendant: {
      id: String(pendant['serial'] ?? PENDANT_SERIAL),
      address: PENDANT_ADDRESS,
      keyHex: pendantKeyHex,
    },
    keySafe: {
      id: String(keySafe['serial'] ?? KEYSAFE_SERIAL),
      serial: KEYSAFE_SERIAL,
      keyHex,
    },
  };
  return { state, logins };
}
