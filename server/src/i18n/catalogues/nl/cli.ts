import type { cli as en } from '../en/cli.js';
import type { Messages } from '../types.js';

export const cli: Messages<typeof en> = {
  'cli.auditVerify.usage':
    'gebruik: audit-verify --db PATH [--lang nl|en]   (controleert de hashketen van het auditlog, alleen lezend; afsluitcode 0 intact, 1 gebroken, 2 verkeerd gebruik)',
  'cli.enrolFleet.usage': `gebruik: enrol-fleet --homes N --out FILE [--db PATH] [--label TEXT] [--region NAME] [--mqtt-url URL] [--lang nl|en]

Maakt N cliënten, elk met een woning en een aangemelde thuiseenheid (gateway) met een eigen
MQTT-wachtwoord, rechtstreeks in de database van de server (de server mag draaien), en schrijft de
gateway-identiteiten met modus 0600 naar FILE voor \`baken-sim fleet --credentials FILE\`.
Wachtwoorden worden nooit afgedrukt. Standaard: --db DATA_DIR/baken.sqlite uit de configuratie van
de server (BAKEN_CONFIG, BAKEN_DATA_DIR), --label "Fleet", --mqtt-url het eerste openbare MQTT-adres
van de server.`,
};
