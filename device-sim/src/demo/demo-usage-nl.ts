/** The demo's help in Dutch (`npm start -- --help --lang nl`, BAKEN_LANG=nl or LANG=nl_NL.UTF-8). */
export const DEMO_USAGE_NL = `Gebruik: npm start -- [opties]

Start de demo van Baken: de server (HTTP + ingebouwde MQTT-broker + SQLite in de datamap) en één
gesimuleerde woning (een halszender en een sleutelkluis uit device-sim) achter de echte gatewaycode.

Opties:
  --data DIR          datamap (standaard: ./data, of BAKEN_DATA_DIR); geef dezelfde aan
                      npm run demo:press en de andere demo-opdrachten
  --port N            HTTP-poort (standaard: 8080, of BAKEN_HTTP_PORT; 0 kiest een vrije)
  --mqtt-port N       poort van de ingebouwde MQTT-broker (standaard: 1883, of BAKEN_MQTT_PORT; 0 kiest een vrije)
  --metrics-port N    Prometheus /metrics op 127.0.0.1 (standaard: 9464, of BAKEN_METRICS_PORT; 0 kiest een
                      vrije)
  --transports MODE   mock | real | auto (standaard: auto). real = een socat-pty-paar voor de sleutelkluis en
                      de BlueZ-vervanger op een eigen dbus-daemon voor de halszender; auto kiest real als
                      socat en dbus-daemon geïnstalleerd zijn, anders de bindingen in het geheugen (en zegt dat)
      --lang nl|en    taal van deze hulp (standaard volgens BAKEN_LANG of LANG)
  -h, --help          deze hulp

Bestuur de gesimuleerde woning terwijl de demo draait vanuit een tweede terminal (met dezelfde --data, als die er is):
  npm run demo:press [-- --data DIR]              op de halszender drukken (ook demo:cancel, demo:door)
  npm run demo:code -- "0773 5652" [--data DIR]   een code intoetsen op het toetsenbord van de sleutelkluis
Ctrl-C stopt de demo binnen 5 s; een tweede Ctrl-C forceert het.
`;

export const DEMO_PRESS_USAGE_NL = `Gebruik: npm run demo:press|demo:cancel|demo:door [-- --data DIR]
       npm run demo:code -- CODE [--data DIR]

Bestuurt de gesimuleerde woning van een draaiende demo (npm start): press (drukken), cancel
(annuleren) of door (deur); code toetst CODE in op het toetsenbord van de sleutelkluis ("0773 5652"
zoals op de telefoon, spaties mogen) en stopt met afsluitcode 1 als de sleutelkluis hem weigert.

  --data DIR   de datamap waarmee de demo gestart is (standaard: ./data, of BAKEN_DATA_DIR)
      --lang nl|en  taal van deze hulp (standaard volgens BAKEN_LANG of LANG)
  -h, --help   deze hulp
`;
