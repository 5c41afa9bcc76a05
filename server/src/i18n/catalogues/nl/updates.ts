import type { updates as en } from '../en/updates.js';
import type { Messages } from '../types.js';

/** De pagina Updates (server/src/web/pages/updates.ts). */
export const updates: Messages<typeof en> = {
  'updates.title': 'Updates van thuiseenheden',
  'updates.releases': 'Versies',
  'updates.rollouts': 'Uitrol',
  'updates.noReleases':
    'Nog geen versie geüpload. Onderteken er een offline (gateway/packaging/release-key.ts) en upload die met {api}.',
  'updates.noRollouts': 'Nog geen uitrol.',
  'updates.col.version': 'Versie',
  'updates.col.arch': 'Architectuur',
  'updates.col.key': 'Ondertekend met sleutel',
  'updates.col.size': 'Grootte',
  'updates.col.uploaded': 'Geüpload',
  'updates.col.unit': 'Thuiseenheid',
  'updates.col.wave': 'Golf',
  'updates.col.state': 'Toestand',
  'updates.col.reason': 'Reden',
  'updates.col.updated': 'Bijgewerkt',
  'updates.sizeKiB': '{kib, number} KiB',
  'updates.release': 'Versie {version}',
  'updates.summary':
    'Golf {wave} van {waves} ({steps}); pauzeert boven {max} % mislukkingen. Gestart {when}.',
  'updates.paused': 'Gepauzeerd:',
  'updates.perState': 'Eenheden per toestand',
  'updates.unitsOf': 'Eenheden van uitrol {id}',
  'updates.units': 'Eenheden ({count, number})',
  'updates.pause': 'Pauzeren',
  'updates.resume': 'Hervatten',
  'updates.abort': 'Afbreken',
  'updates.rollout.running': 'Loopt',
  'updates.rollout.paused': 'Gepauzeerd',
  'updates.rollout.completed': 'Voltooid',
  'updates.rollout.aborted': 'Afgebroken',
  'updates.unit.pending': 'Wacht',
  'updates.unit.offered': 'Aangeboden',
  'updates.unit.installing': 'Installeert',
  'updates.unit.healthy': 'Gezond',
  'updates.unit.rolled_back': 'Teruggezet',
  'updates.unit.failed': 'Mislukt',
  'updates.unit.refused': 'Geweigerd',
};
