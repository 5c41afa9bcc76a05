import type { keysafes as en } from '../en/keysafes.js';
import type { Messages } from '../types.js';

/** Het scherm Sleutelkluizen: sleutels, installatie en de proefcode. */
export const keysafes: Messages<typeof en> = {
  'nav.keysafes': 'Sleutelkluizen',
  'keysafes.title': 'Sleutelkluizen',
  'keysafes.intro':
    'Elke sleutelkluis heeft haar sleutel nodig voordat een code haar kan openen. Een nieuwe kluis krijgt haar sleutel bij de installatie, via het kastje in de woning, met de installatiecode op het etiket binnen in de deur.',
  'keysafes.ok': 'Gedaan: de sleutelkluis heeft het bevestigd.',
  'keysafes.fail': 'Niet gelukt:',
  'keysafes.none': 'Er staan geen sleutelkluizen in het register.',
  'keysafes.col.serial': 'Sleutelkluis',
  'keysafes.col.home': 'Woning',
  'keysafes.col.key': 'Sleutel',
  'keysafes.col.link': 'Bereikbaar',
  'keysafes.col.state': 'Toestand',
  'keysafes.col.actions': 'Acties',
  'keysafes.hasKey': 'Geïnstalleerd',
  'keysafes.noKey': 'Nog geen sleutel',
  'keysafes.offlineKeyWaiting': 'offline codes: sleutel nog niet afgeleverd',
  'keysafes.online': 'Ja',
  'keysafes.offline': 'Nee',
  'keysafes.blocked': 'Geblokkeerd',
  'keysafes.drifting': 'Klok loopt uit de pas',
  'keysafes.waiting': '{count} opdrachten nog niet ontvangen',
  'keysafes.fine': 'In orde',
  'keysafes.noHome': 'niet in een woning',
  'keysafes.install': 'Sleutel installeren',
  'keysafes.installSteps':
    'Open de deur van de sleutelkluis, druk binnenin op de koppelknop, typ de installatiecode van het etiket binnen in de deur en verstuur hem binnen vijf minuten. Het kastje in de woning moet online zijn.',
  'keysafes.field.code': 'Installatiecode (32 hexadecimale tekens; streepjes en spaties mogen)',
  'keysafes.send': 'Sleutel versturen',
  'keysafes.confirmReplace':
    'Sleutelkluis {serial} heeft al een sleutel. Vervangen? Codes die onder de oude sleutel zijn uitgegeven werken dan niet meer.',
  'keysafes.refused':
    'De sleutelkluis weigerde de sleutel: druk binnen in de deur op de koppelknop en verstuur de code binnen vijf minuten opnieuw; controleer de installatiecode.',
  'keysafes.trial': 'Proefcode',
  'keysafes.trialOk': 'Proefcode klaar: de sleutelkluis heeft hem.',
  'keysafes.trialShown': 'Proefcode (werkt één keer, 10 minuten):',
};
