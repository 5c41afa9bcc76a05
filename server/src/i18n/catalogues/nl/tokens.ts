import type { tokens as en } from '../en/tokens.js';
import type { Messages } from '../types.js';

/** Het scherm API-sleutels: de eigen sleutels voor scripts. */
export const tokens: Messages<typeof en> = {
  'nav.tokens': 'API-sleutels',
  'tokens.title': 'API-sleutels',
  'tokens.intro':
    'Met een sleutel gebruikt een script de API als u, met uw rol. De sleutel wordt één keer getoond, bij het aanmaken: kopieer hem dan. Trek een sleutel in die u niet meer gebruikt.',
  'tokens.ok': 'Gedaan.',
  'tokens.fail': 'Niet gelukt:',
  'tokens.list': 'Uw sleutels',
  'tokens.none': 'U hebt geen API-sleutels.',
  'tokens.col.name': 'Naam',
  'tokens.col.created': 'Aangemaakt',
  'tokens.col.lastUsed': 'Laatst gebruikt',
  'tokens.col.expires': 'Verloopt',
  'tokens.col.state': 'Status',
  'tokens.col.actions': 'Acties',
  'tokens.neverUsed': 'nooit',
  'tokens.noExpiry': 'verloopt niet',
  'tokens.state.active': 'In gebruik',
  'tokens.state.revoked': 'Ingetrokken {when}',
  'tokens.state.expired': 'Verlopen',
  'tokens.revoke': 'Intrekken',
  'tokens.confirmRevoke':
    'De sleutel "{name}" intrekken? Scripts die hem gebruiken werken dan meteen niet meer.',
  'tokens.create': 'Nieuwe sleutel',
  'tokens.field.name': 'Naam (waar hij voor is)',
  'tokens.field.expires': 'Geldig',
  'tokens.expires.never': 'zonder einddatum',
  'tokens.expires.days': '{days, plural, one {# dag} other {# dagen}}',
  'tokens.createButton': 'Sleutel aanmaken',
  'tokens.shownOnce': 'Uw nieuwe sleutel. Kopieer hem nu: hij wordt niet nog eens getoond.',
};
