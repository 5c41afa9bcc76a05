import type { client as en } from '../en/client.js';
import type { Messages } from '../types.js';

export const client: Messages<typeof en> = {
  'client.alarmStatus': 'Uw alarm',
  'client.works': 'Uw alarm werkt',
  'client.worksSince': 'Het laatste contact was om {time}.',
  'client.silent': 'Uw alarm is sinds {time} niet meer gehoord',
  'client.silentNever': 'Uw alarm is nog niet gehoord',
  'client.centreKnows': 'De meldkamer weet het en kijkt ernaar. Bel de meldkamer als u hulp nodig hebt.',
  'client.setupKnows': 'Uw zorgorganisatie weet het en maakt de installatie af.',
  'client.buttonSilent': 'Uw alarmknop is sinds {time} niet meer gehoord.',
  'client.buttonBattery': 'De batterij van uw alarmknop is bijna leeg. Uw zorgorganisatie weet het.',
  'client.keySafeBattery': 'De batterij van uw sleutelkluis is bijna leeg. Uw zorgorganisatie weet het.',
  'client.pressToTest': 'U kunt altijd op uw alarmknop drukken: de meldkamer neemt op.',
  'client.textLarger': 'Grotere letters',
  'client.textNormal': 'Gewone letters',
};
