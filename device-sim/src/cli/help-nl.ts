import { FAULT_NAMES } from '../faults/fault-board.js';
import type { SimHelp } from './help.js';

/** `baken-sim` help in Dutch (`--lang nl`, BAKEN_LANG=nl or LANG=nl_NL.UTF-8); options and commands stay as typed. */
const INTERACTIVE = `opdrachten (één per regel):
  press [pendant]        alarmdruk (herhaalde advertenties)
  cancel [pendant]       annuleerdruk
  fall [pendant]         val gedetecteerd
  test [pendant]         testdruk
  battery <pct> [pendant]  de batterij van een halszender instellen
  code <digits>          een code intoetsen op het toetsenbord van de sleutelkluis
  open | close           de deur van de sleutelkluis openen / sluiten
  pair                   de koppelknop van de sleutelkluis indrukken (KS-SERIAL §8.8: 5 minuten voor KEY_INSTALL)
  take [hook] | return [hook]  een sleutel pakken / terughangen
  tamper [source]        sabotageschakelaar
  mains on|off           netstroom aanwezig / weg
  fault <name> on|off [value]  storingen: ${FAULT_NAMES.join(', ')}
  status                 toestand van de apparaten en actieve storingen
  help | quit`;

export const SIM_HELP_NL: SimHelp = {
  main: `baken-sim — gesimuleerde halszenders en sleutelkluizen voor Baken

gebruik: baken-sim <opdracht> [opties]

opdrachten:
  home       de apparaten van een woning starten en ze via stdin besturen
  scenario   een scenariobestand zonder toezicht draaien (afsluitcode 0 geslaagd, 1 mislukt, 2 fout bestand)
  fleet      duizenden gesimuleerde thuiseenheden via MQTT tegen een server laten draaien
  fleet-enrol  woningen voor een vloot aanmelden via de API van de server (schrijft een bestand met inloggegevens, modus 0600)

baken-sim <opdracht> --help voor de opties; --lang nl|en (standaard volgens BAKEN_LANG of LANG).`,
  home: `gebruik: baken-sim home [opties]

  --config <file>     beschrijving van de woning (YAML/JSON, zie SCENARIOS.md "home"); standaard: één
                      versleutelde BTHome-halszender en sleutelkluis KS-SIM-0001 via serieel
  --pty               een socat-pty-paar maken; de gateway opent het afgedrukte pad
  --serial <path>     een bestaand serieel apparaat (bijv. /dev/pts/N) gebruiken voor de sleutelkluis
  --ble bluez|mock    BLE-kant: de BlueZ-vervanger op een eigen D-Bus, of in het geheugen (standaard mock)
  --nv <file>         bestand voor het niet-vluchtige geheugen van de sleutelkluis (standaard: in het geheugen)
  --keys-out <file>   de sleutels van de apparaten (voor het aanmelden) naar dit bestand schrijven, modus 0600
  --no-stdin          geen opdrachten van stdin lezen; draaien tot SIGINT/SIGTERM

Drukt één JSON-regel af met wat geopend is en leest daarna opdrachten:
${INTERACTIVE}`,
  interactive: INTERACTIVE,
  scenario: `gebruik: baken-sim scenario <file> [--json]

Voert de getimede stappen en verwachtingen van <file> uit (YAML of JSON, beschreven in SCENARIOS.md)
op een nieuwe gesimuleerde woning en drukt een rapport af. Afsluitcode 0 als elke verwachting klopt,
1 als er een niet klopt (het rapport noemt de stap), 2 als het bestand ongeldig is.

  --json    het rapport als JSON afdrukken`,
  fleet: `gebruik: baken-sim fleet --credentials FILE [opties]

Draait één gesimuleerde thuiseenheid per identiteit in FILE (met modus 0600 geschreven door het
bulkaanmelden van de server, zie device-sim/README.md "Fleet mode") via echte MQTT tegen een
draaiende Baken-server, toont één voortgangsregel en drukt aan het eind een samenvatting af
(Ctrl-C stopt netjes).

  --credentials FILE     identiteiten van de gateways (verplicht)
  --mqtt-url URL         broker (standaard: het adres in FILE)
  --homes N              de eerste N identiteiten gebruiken (standaard alle)
  --processes K          werkprocessen (standaard: één per 6.000 woningen; 0 = dit proces)
  --connect-rate R       nieuwe verbindingen per seconde bij de start (standaard 500)
  --heartbeat S          hartslaginterval in seconden (standaard 60); belasting ≈ woningen ÷ S per seconde
  --jitter F             spreiding van de hartslag, deel van het interval (standaard 0,1)
  --alarms-per-hour X    drukken op de halszender per woning per uur, Poisson (standaard 0)
  --keysafe-per-day X    openingen van de sleutelkluis per woning per dag, Poisson (standaard 0)
  --battery-drain X      leeglopen van de batterij van de halszender, punten per uur (standaard 0)
  --skew-share F         deel van de woningen met een verschoven klok (standaard 0), tot ± --skew-max-ms
  --flap-share F         deel van de woningen waarvan de verbinding ongeveer elke --flap-every S seconden wegvalt
  --storm F@T            na T seconden drukt een deel F van de woningen binnen 5 s (herhaalbaar als F@T,F@T)
  --silent N@T           na T seconden blijven N woningen hangen (verbonden, stil)
  --die N@T              na T seconden vallen N woningen uit met hun laatste wil (last will)
  --duration S           na S seconden stoppen (standaard: tot Ctrl-C)
  --json                 de samenvatting als JSON afdrukken`,
  fleetEnrol: `gebruik: baken-sim fleet-enrol --api URL --homes N --out FILE [--label TEXT] [--region NAME]

Meldt N woningen aan via de API van de server (POST /api/v1/enrolment/bulk, alleen beheerders, 50
per aanroep) en schrijft hun gateway-identiteiten met modus 0600 naar FILE voor
\`baken-sim fleet --credentials\`. Het API-token komt uit de omgevingsvariabele BAKEN_API_TOKEN
(nooit van de opdrachtregel, waar andere gebruikers het kunnen lezen). Wachtwoorden worden nooit
afgedrukt. Op de machine van de server zelf doet \`npx tsx server/src/cli/enrol-fleet.ts\` hetzelfde
zonder de API, voor elk aantal woningen.`,
  unknownCommand: "onbekende opdracht '{command}'",
};
