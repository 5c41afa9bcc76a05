import { DC09_BAKEN_EVENTS } from '@baken/protocols';
import type { Dc09Help } from './help.js';

/** `baken-dc09` help in Dutch; options, commands and protocol words (ACK, NAK, DUH) stay as typed. */
export const DC09_HELP_NL: Dc09Help = {
  main: `baken-dc09 — een koppeling met een alarmcentrale (SIA DC-09) controleren vanaf de opdrachtregel

gebruik: baken-dc09 <opdracht> [opties]

opdrachten:
  send     één testbericht naar een alarmontvanger sturen en het antwoord afdrukken
  listen   een losse ontvanger draaien die afdrukt en beantwoordt wat hij krijgt

baken-dc09 <opdracht> --help voor de opties; voorbeelden in docs/dc09-tools.md.
--lang nl|en kiest de taal van de hulp (standaard volgens BAKEN_LANG of LANG).`,
  send: `gebruik: baken-dc09 send --receiver <host:port> --account <acct> [opties]

Stuurt één DC-09-bericht naar een alarmontvanger, drukt het antwoord af en stopt met afsluitcode
0 ACK, 1 verkeerde opties, 2 NAK, 3 DUH, 4 geen antwoord op tijd, 5 een fout antwoord of geen verbinding.

  --receiver <host:port>   de alarmontvanger
  --udp                    via UDP sturen (standaard TCP)
  --account <acct>         abonneenummer (zoals uitgegeven door de alarmcentrale)
  --line <hex>             lijn- / abonneevoorvoegsel (standaard 0)
  --receiver-no <hex>      ontvangernummer R… (standaard: geen)
  --sequence <n>           volgnummer 0–9999 (standaard 1)
  --format cid|sia         inhoud ADM-CID (Contact ID, standaard) of SIA-DCS
  --event <name>           een Baken-gebeurtenis (${DC09_BAKEN_EVENTS.join(', ')})
  --code <code>            of een willekeurige gebeurteniscode: Contact ID 3 cijfers (met --qualifier 1|3|6,
                           standaard 1) of een SIA-code van twee letters
  --zone <n>  --group <n>  zone/gebruiker en groep/gebied (standaard 1 en 1)
  --data <text>            of het datablok letterlijk, bijv. '#1234|1101 01 001'
  --null                   een NULL-verbindingstest sturen in plaats van een gebeurtenis
  --key <hex>              versleutelen met deze abonneesleutel (32/48/64 hexcijfers) …
  --key-file <file>        … of die uit een bestand lezen (eerste regel)
  --key-format hex|ascii   ascii: de sleutel is 16/24/32 tekens, als bytes gebruikt
  --timeout <s>            seconden wachten op het antwoord (standaard 10)
  --time-offset <s>        de tijdstempel van het bericht verschuiven (het venster van de ontvanger testen)`,
  listen: `gebruik: baken-dc09 listen --port <n> [opties]

Een losse DC-09-ontvanger: drukt elk bericht af dat hij krijgt en antwoordt ACK, DUH (niet
begrepen) of NAK (geweigerd; met de tijd van deze ontvanger, zodat de zender zijn klok kan
bijstellen). Draait tot Ctrl-C, of tot --count berichten verwerkt zijn.

  --port <n>                 poort om op te luisteren, TCP en UDP (0: een vrije poort, wordt afgedrukt)
  --host <addr>              adres om op te luisteren (standaard 0.0.0.0: elke interface)
  --tcp | --udp              alleen TCP of alleen UDP (standaard beide)
  --account <acct>           dit abonneenummer onversleuteld aannemen (herhaalbaar)
  --key <acct>:<hex>         dit abonneenummer alleen versleuteld aannemen, met deze sleutel (herhaalbaar)
  --key-file <acct>:<file>   … met de sleutel uit een bestand (eerste regel)
  --key-format hex|ascii     ascii: sleutels zijn 16/24/32 tekens, als bytes gebruikt
                             zonder --account/--key wordt elk abonneenummer aangenomen, alleen onversleuteld
  --window <past>:<future>   seconden dat een tijdstempel achter / voor mag liggen (standaard 40:20)
  --count <n>                na n berichten stoppen met afsluitcode 0`,
};
