import type { Help } from './usage.js';

/** The help texts in Dutch (`--lang nl`, or LANG=nl_NL.UTF-8); options and commands stay as typed. */
export const HELP_NL: Help = {
  main: `baken-gateway — de Baken-thuiseenheid (brug van halszender en sleutelkluis naar MQTT)

Gebruik: baken-gateway <opdracht> [opties]

Opdrachten:
  run         de gateway starten (systemd doet dit)
  provision   deze eenheid aanmelden bij de server met een eenmalig token
  status      tonen wat deze eenheid nu weet (aanmelding, outbox, apparaten)
  pair        een halszender of sleutelkluis koppelen
  check       de installatietest uitvoeren (REQUIREMENTS §8.5)

Opties:
  -h, --help  hulp bij elke opdracht: baken-gateway <opdracht> --help
      --lang  nl of en (standaard volgens BAKEN_LANG of LANG)

Afsluitcodes: 0 gelukt, 1 mislukt, 2 verkeerd gebruik, 3 probleem met configuratie/inloggegevens,
              4 aanmelden mislukt, 69 niet beschikbaar in deze versie.
`,
  run: `Gebruik: baken-gateway run [--config PAD]

Start de gateway: opent de outbox, verbindt met de broker(s), draait de bruggen en stuurt
hartslagen. Stopt netjes bij SIGTERM/SIGINT (meldt zich offline, sluit de outbox).

Opties:
  -c, --config PAD    configuratiebestand (standaard /etc/baken-gateway/gateway.json)
  -h, --help          deze hulp
`,
  provision: `Gebruik: baken-gateway provision --server URL --token TOKEN [opties]

Meldt deze eenheid aan bij de Baken-server met een eenmalig aanmeldtoken. Bewaart het gateway-id
en de MQTT-inloggegevens in het bestand met inloggegevens (modus 0600, alleen leesbaar voor de eigenaar).

Opties:
  -s, --server URL        het basisadres van de server, bijv. https://baken.example.org
  -t, --token TOKEN       het eenmalige aanmeldtoken van de server
  -c, --config PAD        configuratiebestand (standaard /etc/baken-gateway/gateway.json);
                          de instelling credentialsFile zegt waar de inloggegevens komen
      --credentials PAD   de inloggegevens hier schrijven
      --hardware-id ID    het gevonden hardware-id vervangen (standaard: /etc/machine-id)
      --force             bestaande inloggegevens vervangen
  -h, --help              deze hulp
`,
  status: `Gebruik: baken-gateway status [--config PAD] [--json]

Toont de aanmelding, de broker-adressen, de outbox (diepte, leeftijd van het oudste bericht,
verloren berichten) en de ingestelde apparaten. Kan veilig draaien terwijl de gateway draait.

Opties:
  -c, --config PAD    configuratiebestand (standaard /etc/baken-gateway/gateway.json)
      --json          uitvoer voor programma's
  -h, --help          deze hulp
`,
  pair: `Gebruik: baken-gateway pair pendant [opties]
         baken-gateway pair keysafe --serial SN (--port PAD | --ble ADRES) [opties]

Koppelt een apparaat en zet het in het configuratiebestand (met de gateway-dienst gestopt;
start hem daarna opnieuw).
  pendant   zet de radio aan en vraagt om één druk: de eerste NIET-GEKOPPELDE halszender
            waarvan de knop wordt ingedrukt, wordt toegevoegd (BTHome v2-knoppen, of
            Baken-halszenders waarvan de server daarna de sleutel stuurt). Een versleutelde
            BTHome-halszender wordt alleen gezien met zijn bind key (--key).
  keysafe   opent de seriële poort of BLE-verbinding en wacht op de HELLO van de sleutelkluis,
            die het opgegeven serienummer moet melden (zet de kluis even uit en aan).

Opties:
  -c, --config PAD    configuratiebestand (standaard /etc/baken-gateway/gateway.json)
      --window S      seconden wachten (standaard 60)
      --key HEX       bind key van een versleutelde BTHome-halszender, 32 hexcijfers (pendant)
      --serial SN     serienummer van de sleutelkluis (keysafe)
      --port PAD      seriële poort van een bedrade sleutelkluis, bijv. /dev/ttyUSB0 (keysafe)
      --ble ADRES     BLE-adres van een sleutelkluis op batterijen (keysafe)
  -h, --help          deze hulp
`,
  check: `Gebruik: baken-gateway check [--config PAD] [--technician NAAM] [--window S] [--json]
                            [--token TOKEN]

Voert de installatietest uit (REQUIREMENTS §8.5) met de gateway-dienst gestopt: een proefalarm
(druk op de halszender) moet door de server bevestigd worden, een proefopening van de
sleutelkluis (open hem met een code; met --token geeft de server er een eenmalige proefcode voor),
batterij en netstroom, hartslag, en de identiteit van de server (TLS-certificaat en hostnaam, of
de serverconfiguratie voor deze eenheid). Drukt een rapport geslaagd/mislukt af en stuurt het
naar de server. Afsluitcode 0 als elke stap slaagde, anders 1.

Opties:
  -c, --config PAD      configuratiebestand (standaard /etc/baken-gateway/gateway.json)
      --technician NAAM komt in het rapport
      --window S        seconden voor elke handmatige stap (standaard 120)
      --json            het rapport als JSON afdrukken
      --token TOKEN     een API-token van de monteur, om een proefcode van de server te krijgen
                        (of zet BAKEN_INSTALLER_TOKEN; het wordt nooit afgedrukt)
  -h, --help            deze hulp
`,
};
